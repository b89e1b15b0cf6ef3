package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Heredoc;
import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.Suggestions;
import dev.kiln.dockerfile.shell.Environment;
import dev.kiln.dockerfile.shell.ExpansionOptions;
import dev.kiln.dockerfile.shell.ShellExpansionException;
import dev.kiln.dockerfile.shell.ShellWordExpander;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns one AST {@link Node} into a typed {@link Instruction} with BuildKit's checks and messages.
 * Every error is located once, here at the instruction boundary: at the offending flag when a flag
 * is wrong, otherwise at the instruction.
 */
public final class InstructionParser {
  /** Every instruction name, for "did you mean". */
  public static final List<String> NAMES =
      List.of(
          "ADD",
          "ARG",
          "CMD",
          "COPY",
          "ENTRYPOINT",
          "ENV",
          "EXPOSE",
          "FROM",
          "HEALTHCHECK",
          "LABEL",
          "MAINTAINER",
          "ONBUILD",
          "RUN",
          "SHELL",
          "STOPSIGNAL",
          "USER",
          "VOLUME",
          "WORKDIR");

  private static final Duration MINIMUM_DURATION = Duration.ofMillis(1);

  private InstructionParser() {}

  /** Parses {@code node} with the default escape character. */
  public static Instruction parse(Node node) {
    return parse(node, '\\');
  }

  /**
   * Parses {@code node}; {@code escape} is the file's escape character (used to pre-check mount
   * options that have no variables).
   *
   * @throws DockerfileException located at the instruction or the offending flag
   */
  public static Instruction parse(Node node, char escape) {
    try {
      return dispatch(node, escape);
    } catch (InstructionFlags.FlagException e) {
      throw InstructionFlags.located(e, node);
    } catch (DockerfileException e) {
      throw e.withRangeIfAbsent(node.keywordRange());
    }
  }

  private static Instruction dispatch(Node node, char escape) {
    List<String> args = nodeArgs(node);
    InstructionFlags flags = new InstructionFlags(node.flags());
    switch (node.name()) {
      case "env":
        flags.parse();
        return new EnvInstruction(node, keyValues(args, "ENV"));
      case "maintainer":
        exactlyOne(args, "MAINTAINER");
        flags.parse();
        return new MaintainerInstruction(node, args.get(0));
      case "label":
        flags.parse();
        return new LabelInstruction(node, keyValues(args, "LABEL"));
      case "add":
        return parseAdd(node, args, flags);
      case "copy":
        return parseCopy(node, args, flags);
      case "from":
        return parseFrom(node, args, flags);
      case "onbuild":
        return parseOnbuild(node, args, flags);
      case "workdir":
        exactlyOne(args, "WORKDIR");
        flags.parse();
        return new WorkdirInstruction(node, args.get(0));
      case "run":
        return parseRun(node, flags, escape);
      case "cmd":
        flags.parse();
        return new CmdInstruction(node, commandLine(node, args));
      case "entrypoint":
        flags.parse();
        return new EntrypointInstruction(node, commandLine(node, args));
      case "healthcheck":
        return parseHealthcheck(node, args, flags);
      case "expose":
        {
          if (args.isEmpty()) {
            throw atLeastOne("EXPOSE");
          }
          flags.parse();
          List<String> ports = new ArrayList<>(args);
          Collections.sort(ports);
          return new ExposeInstruction(node, ports);
        }
      case "user":
        exactlyOne(args, "USER");
        flags.parse();
        return new UserInstruction(
            node, args.get(0).indexOf('$') >= 0 ? args.get(0) : UserSpec.checked(args.get(0)));
      case "volume":
        return parseVolume(node, args, flags);
      case "stopsignal":
        exactlyOne(args, "STOPSIGNAL");
        return new StopSignalInstruction(node, args.get(0));
      case "arg":
        return parseArg(node, args);
      case "shell":
        {
          flags.parse();
          List<String> shell = jsonArgs(args, node.json());
          if (shell.isEmpty()) {
            throw atLeastOne("SHELL");
          }
          if (!node.json()) {
            throw new DockerfileException(
                "SHELL requires the arguments to be in JSON form",
                "write it as SHELL [\"/bin/bash\", \"-c\"]");
          }
          return new ShellInstruction(node, shell);
        }
      default:
        throw new DockerfileException(
            "unknown instruction: " + node.keyword(),
            Suggestions.hint(node.keyword().toUpperCase(Locale.ROOT), NAMES, false));
    }
  }

  /** BuildKit's argument list: ONBUILD's nested instruction contributes its keyword and args. */
  public static List<String> nodeArgs(Node node) {
    if (node.trigger() == null) {
      return node.args();
    }
    List<String> out = new ArrayList<>();
    out.add(node.trigger().keyword());
    out.addAll(nodeArgs(node.trigger()));
    out.addAll(node.args());
    return out;
  }

  private static Instruction parseFrom(Node node, List<String> args, InstructionFlags flags) {
    String stageName = "";
    if (args.size() == 3 && args.get(1).equalsIgnoreCase("as")) {
      stageName = args.get(2).toLowerCase(Locale.ROOT);
      if (!validStageName(stageName)) {
        throw new DockerfileException(
            "invalid name for build stage: "
                + quote(args.get(2))
                + ", name can't start with a number or contain symbols",
            "stage names start with a letter and use only letters, digits, '-', '_' and '.'");
      }
    } else if (args.size() != 1) {
      throw new DockerfileException(
          "FROM requires either one or three arguments", "write FROM <image> [AS <name>]");
    }
    flags.string("platform").parse();
    return new FromInstruction(
        node,
        args.get(0),
        stageName,
        flags.value("platform"),
        docComment(node.comments(), stageName));
  }

  static boolean validStageName(String name) {
    if (name.isEmpty() || name.charAt(0) < 'a' || name.charAt(0) > 'z') {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static Instruction parseRun(Node node, InstructionFlags flags, char escape) {
    flags.strings("mount");
    flags.declare("network", InstructionFlags.Kind.STRING, "default");
    flags.declare("security", InstructionFlags.Kind.STRING, "sandbox");
    flags.parse();
    List<String> specs = flags.values("mount");
    List<Mount> mounts = new ArrayList<>(specs.size());
    ShellWordExpander words = new ShellWordExpander(ExpansionOptions.standard(escape));
    for (String spec : specs) {
      try {
        if (spec.indexOf('$') >= 0) {
          mounts.add(MountParser.parseDeferred(spec));
        } else {
          mounts.add(MountParser.parse(spec, w -> words.expandWord(w, Environment.EMPTY)));
        }
      } catch (ShellExpansionException e) {
        throw new DockerfileException(e.getMessage());
      } catch (DockerfileException e) {
        throw e.withRangeIfAbsent(mountRange(node, spec));
      }
    }
    RunInstruction.Network network;
    switch (flags.value("network")) {
      case "default":
        network = RunInstruction.Network.DEFAULT;
        break;
      case "none":
        network = RunInstruction.Network.NONE;
        break;
      case "host":
        network = RunInstruction.Network.HOST;
        break;
      default:
        throw new DockerfileException(
            "unsupported network mode " + quote(flags.value("network")),
            Suggestions.hint(flags.value("network"), List.of("default", "none", "host"), false));
    }
    RunInstruction.Security security;
    switch (flags.value("security")) {
      case "sandbox":
        security = RunInstruction.Security.SANDBOX;
        break;
      case "insecure":
        security = RunInstruction.Security.INSECURE;
        break;
      default:
        throw new DockerfileException(
            "unsupported security mode " + quote(flags.value("security")),
            Suggestions.hint(flags.value("security"), List.of("sandbox", "insecure"), false));
    }
    return new RunInstruction(
        node,
        commandLine(node, nodeArgs(node)),
        specs,
        mounts,
        network,
        security,
        flags.usedNames());
  }

  private static dev.kiln.dockerfile.parser.SourceRange mountRange(Node node, String spec) {
    for (int i = 0; i < node.flags().size(); i++) {
      if (node.flags().get(i).equals("--mount=" + spec)) {
        return node.flagRange(i);
      }
    }
    return node.keywordRange();
  }

  private static CommandLine commandLine(Node node, List<String> args) {
    return new CommandLine(jsonArgs(args, node.json()), !node.json(), node.heredocs());
  }

  /** Exec form keeps the list; shell form joins the arguments with single spaces. */
  public static List<String> jsonArgs(List<String> args, boolean json) {
    if (args.isEmpty()) {
      return List.of();
    }
    if (json) {
      return args;
    }
    return List.of(String.join(" ", args));
  }

  private static Instruction parseCopy(Node node, List<String> args, InstructionFlags flags) {
    if (args.size() < 2) {
      throw noDestination("COPY");
    }
    flags.string("chown").string("from").string("chmod").bool("link").bool("parents");
    flags.strings("exclude").parse();
    return new CopyInstruction(
        node,
        sourcesAndDest(node, args, "COPY"),
        flags.value("from"),
        chown(node, flags),
        chmod(node, flags),
        flags.isTrue("link"),
        flags.isTrue("parents"),
        flags.values("exclude"));
  }

  private static Instruction parseAdd(Node node, List<String> args, InstructionFlags flags) {
    if (args.size() < 2) {
      throw noDestination("ADD");
    }
    flags.string("chown").string("chmod").bool("link").bool("keep-git-dir").string("checksum");
    flags.bool("parents").strings("exclude").bool("unpack").parse();
    Boolean unpack = flags.used("unpack") ? flags.isTrue("unpack") : null;
    return new AddInstruction(
        node,
        sourcesAndDest(node, args, "ADD"),
        chown(node, flags),
        chmod(node, flags),
        flags.isTrue("link"),
        flags.isTrue("keep-git-dir"),
        flags.value("checksum"),
        flags.isTrue("parents"),
        flags.values("exclude"),
        unpack);
  }

  private static String chown(Node node, InstructionFlags flags) {
    String value = flags.value("chown");
    if (value.indexOf('$') >= 0) {
      // Checked after expansion.
      return value;
    }
    try {
      return UserSpec.checked(value);
    } catch (DockerfileException e) {
      throw e.withRangeIfAbsent(node.flagRange("chown"));
    }
  }

  private static FileModeSpec chmod(Node node, InstructionFlags flags) {
    String value = flags.value("chmod");
    if (!flags.used("chmod")) {
      return null;
    }
    if (value.indexOf('$') >= 0) {
      // Checked after expansion.
      return new FileModeSpec(value, -1);
    }
    try {
      return FileModeSpec.parse(value);
    } catch (DockerfileException e) {
      int index = node.flags().indexOf("--chmod=" + value);
      throw e.withRangeIfAbsent(node.flagRange(index));
    }
  }

  private static SourcesAndDest sourcesAndDest(Node node, List<String> args, String command) {
    List<String> srcs = args.subList(0, args.size() - 1);
    String dest = args.get(args.size() - 1);
    if (Heredoc.parseWord(dest).isPresent()) {
      throw new DockerfileException(
          command + " cannot accept a heredoc as a destination",
          "put the heredoc before the destination: " + command + " <<EOF /path");
    }
    Map<String, Heredoc> byName = new HashMap<>();
    for (Heredoc h : node.heredocs()) {
      byName.put(h.name(), h);
    }
    List<String> paths = new ArrayList<>();
    List<SourceContent> contents = new ArrayList<>();
    for (String src : srcs) {
      Heredoc opener = Heredoc.parseWord(src).orElse(null);
      if (opener == null) {
        paths.add(src);
        continue;
      }
      Heredoc body = byName.get(opener.name());
      String content = body == null ? "" : body.content();
      if (opener.chomp()) {
        content = Heredoc.chompTabs(content);
      }
      contents.add(new SourceContent(opener.name(), content, opener.expand()));
    }
    return new SourcesAndDest(paths, contents, dest);
  }

  private static Instruction parseOnbuild(Node node, List<String> args, InstructionFlags flags) {
    if (args.isEmpty()) {
      throw atLeastOne("ONBUILD");
    }
    flags.parse();
    String trigger = args.get(0).trim().toUpperCase(Locale.ROOT);
    if (trigger.equals("ONBUILD")) {
      throw new DockerfileException(
          "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed",
          "give the trigger instruction directly: ONBUILD RUN ...");
    }
    if (trigger.equals("MAINTAINER") || trigger.equals("FROM")) {
      throw new DockerfileException(
          trigger + " isn't allowed as an ONBUILD trigger", "only build steps can be triggers");
    }
    String original = node.original();
    int i = 0;
    while (i < original.length() && Character.isWhitespace(original.charAt(i))) {
      i++;
    }
    if (original.regionMatches(true, i, "ONBUILD", 0, 7)) {
      i += 7;
    }
    while (i < original.length() && Character.isWhitespace(original.charAt(i))) {
      i++;
    }
    StringBuilder expression = new StringBuilder(original.substring(i));
    for (Heredoc h : node.heredocs()) {
      expression.append('\n').append(h.content()).append(h.name());
    }
    return new OnbuildInstruction(node, expression.toString());
  }

  private static Instruction parseHealthcheck(
      Node node, List<String> args, InstructionFlags flags) {
    if (args.isEmpty()) {
      throw atLeastOne("HEALTHCHECK");
    }
    String type = args.get(0).toUpperCase(Locale.ROOT);
    List<String> rest = args.subList(1, args.size());
    if (type.equals("NONE")) {
      if (!rest.isEmpty()) {
        throw new DockerfileException("HEALTHCHECK NONE takes no arguments");
      }
      return new HealthcheckInstruction(
          node,
          new HealthConfig(
              List.of("NONE"), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));
    }
    flags.string("interval").string("timeout").string("start-period").string("start-interval");
    flags.string("retries").parse();
    if (!type.equals("CMD")) {
      throw new DockerfileException(
          "Unknown type " + quote(type) + " in HEALTHCHECK (try CMD)",
          "write HEALTHCHECK CMD <command> or HEALTHCHECK NONE");
    }
    List<String> cmd = jsonArgs(rest, node.json());
    if (cmd.isEmpty()) {
      throw new DockerfileException("Missing command after HEALTHCHECK CMD");
    }
    List<String> test = new ArrayList<>(cmd.size() + 1);
    test.add(node.json() ? "CMD" : "CMD-SHELL");
    test.addAll(cmd);
    int retries = 0;
    String r = flags.value("retries");
    if (!r.isEmpty()) {
      long v;
      try {
        v = Long.parseLong(r);
        if (v > Integer.MAX_VALUE || v < Integer.MIN_VALUE) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new DockerfileException(
            "strconv.ParseInt: parsing " + quote(r) + ": invalid syntax",
            "--retries takes a whole number");
      }
      if (v < 0) {
        throw new DockerfileException("--retries cannot be negative (" + v + ")");
      }
      retries = (int) v;
    }
    return new HealthcheckInstruction(
        node,
        new HealthConfig(
            test,
            durationFlag(node, flags, "interval"),
            durationFlag(node, flags, "timeout"),
            durationFlag(node, flags, "start-period"),
            durationFlag(node, flags, "start-interval"),
            retries));
  }

  private static Duration durationFlag(Node node, InstructionFlags flags, String name) {
    try {
      return parseOptInterval(name, flags.value(name));
    } catch (DockerfileException e) {
      int index = -1;
      for (int i = 0; i < node.flags().size(); i++) {
        if (node.flags().get(i).startsWith("--" + name + "=")) {
          index = i;
        }
      }
      throw e.withRangeIfAbsent(node.flagRange(index));
    }
  }

  /**
   * A HEALTHCHECK duration flag: "" and 0 mean the default; anything else must be at least 1ms.
   *
   * @throws DockerfileException for bad syntax or a too short duration
   */
  public static Duration parseOptInterval(String name, String value) {
    if (value.isEmpty()) {
      return Duration.ZERO;
    }
    Duration d;
    try {
      d = GoDuration.parse(value);
    } catch (IllegalArgumentException e) {
      throw new DockerfileException(e.getMessage(), "use a duration such as 30s, 1m30s or 500ms");
    }
    if (d.isZero()) {
      return Duration.ZERO;
    }
    if (d.compareTo(MINIMUM_DURATION) < 0) {
      throw new DockerfileException(
          "Interval " + quote(name) + " cannot be less than 1ms", "use at least 1ms");
    }
    return d;
  }

  private static Instruction parseVolume(Node node, List<String> args, InstructionFlags flags) {
    if (args.isEmpty()) {
      throw atLeastOne("VOLUME");
    }
    flags.parse();
    List<String> volumes = new ArrayList<>(args.size());
    for (String v : args) {
      String t = v.trim();
      if (t.isEmpty()) {
        throw new DockerfileException("VOLUME specified can not be an empty string");
      }
      volumes.add(t);
    }
    return new VolumeInstruction(node, volumes);
  }

  private static Instruction parseArg(Node node, List<String> args) {
    if (args.isEmpty()) {
      throw atLeastOne("ARG");
    }
    List<ArgDeclaration> decls = new ArrayList<>(args.size());
    for (String arg : args) {
      int eq = arg.indexOf('=');
      String key = eq < 0 ? arg : arg.substring(0, eq);
      if (eq == 0) {
        throw new DockerfileException("ARG names can not be blank");
      }
      String value = eq < 0 ? null : arg.substring(eq + 1);
      decls.add(new ArgDeclaration(key, value, docComment(node.comments(), key)));
    }
    return new ArgInstruction(node, decls);
  }

  private static List<KeyValue> keyValues(List<String> args, String name) {
    if (args.isEmpty()) {
      throw atLeastOne(name);
    }
    if (args.size() % 3 != 0) {
      throw new DockerfileException("Bad input to " + name + ", too many arguments");
    }
    List<KeyValue> out = new ArrayList<>(args.size() / 3);
    for (int j = 0; j < args.size(); j += 3) {
      if (args.get(j).isEmpty()) {
        throw new DockerfileException(name + " names can not be blank");
      }
      out.add(new KeyValue(args.get(j), args.get(j + 1), args.get(j + 2).isEmpty()));
    }
    return out;
  }

  /** The doc comment for {@code name}: the rest of the first comment line "name text". */
  static String docComment(List<String> comments, String name) {
    if (name.isEmpty()) {
      return "";
    }
    for (String line : comments) {
      if (line.startsWith(name + " ")) {
        return line.substring(name.length() + 1);
      }
    }
    return "";
  }

  private static void exactlyOne(List<String> args, String name) {
    if (args.size() != 1) {
      throw new DockerfileException(name + " requires exactly one argument");
    }
  }

  private static DockerfileException atLeastOne(String name) {
    return new DockerfileException(name + " requires at least one argument");
  }

  private static DockerfileException noDestination(String name) {
    return new DockerfileException(
        name
            + " requires at least two arguments, but only one was provided. Destination could not"
            + " be determined",
        "write " + name + " <source>... <destination>");
  }

  static String quote(String s) {
    return dev.kiln.dockerfile.parser.GoText.quote(s);
  }
}
