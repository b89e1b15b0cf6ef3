package dev.kiln.dockerfile.lint;

import dev.kiln.dockerfile.instructions.ArgDeclaration;
import dev.kiln.dockerfile.instructions.ArgInstruction;
import dev.kiln.dockerfile.instructions.CmdInstruction;
import dev.kiln.dockerfile.instructions.DockerfileInstructions;
import dev.kiln.dockerfile.instructions.EntrypointInstruction;
import dev.kiln.dockerfile.instructions.EnvInstruction;
import dev.kiln.dockerfile.instructions.FromInstruction;
import dev.kiln.dockerfile.instructions.HealthcheckInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.KeyValue;
import dev.kiln.dockerfile.instructions.LabelInstruction;
import dev.kiln.dockerfile.instructions.MaintainerInstruction;
import dev.kiln.dockerfile.instructions.ShellInstruction;
import dev.kiln.dockerfile.instructions.StageInstructions;
import dev.kiln.dockerfile.instructions.WorkdirInstruction;
import dev.kiln.dockerfile.parser.DirectiveReader;
import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.parser.ParsedDockerfile;
import dev.kiln.dockerfile.parser.SourceRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The build checks that need only the Dockerfile's text and instructions (BuildKit's rules of the
 * same names; UndefinedArgInFrom and UndefinedVar need values and are found where words are
 * expanded). Also warns when {@code # syntax=} names a frontend kiln does not run.
 */
public final class DockerfileLinter {
  private DockerfileLinter() {}

  private static final Set<String> RESERVED_STAGE_NAMES = Set.of("scratch", "context");

  /** The warnings for {@code parsed}, in file order within each rule. */
  public static List<ParseWarning> check(
      byte[] dockerfile, ParsedDockerfile parsed, DockerfileInstructions instructions) {
    List<ParseWarning> out = new ArrayList<>();
    syntax(dockerfile).ifPresent(out::add);
    instructionCasing(parsed, out);
    Map<String, Boolean> absoluteWorkdir = new HashMap<>();
    for (StageInstructions stage : instructions.stages()) {
      FromInstruction from = stage.from();
      fromLine(from, out);
      // A stage built on an earlier stage inherits whether an absolute WORKDIR was set.
      boolean workdirSet =
          absoluteWorkdir.getOrDefault(from.image().toLowerCase(Locale.ROOT), false);
      boolean shellSet = false;
      Map<String, List<Instruction>> once = new LinkedHashMap<>();
      for (Instruction i : stage.commands()) {
        Node node = i.node();
        if (i instanceof ShellInstruction) {
          shellSet = true;
        } else if (i instanceof CmdInstruction || i instanceof EntrypointInstruction) {
          once.computeIfAbsent(node.name(), k -> new ArrayList<>()).add(i);
          // An explicit SHELL says the shell form is meant (BuildKit's documented exception).
          if (!node.json() && !shellSet && node.heredocs().isEmpty()) {
            out.add(
                LintRule.JSON_ARGS_RECOMMENDED.warning(
                    "JSON arguments recommended for "
                        + node.name().toUpperCase(Locale.ROOT)
                        + " to prevent unintended behavior related to OS signals",
                    node.range()));
          }
        } else if (i instanceof HealthcheckInstruction) {
          once.computeIfAbsent(node.name(), k -> new ArrayList<>()).add(i);
        } else if (i instanceof MaintainerInstruction) {
          out.add(
              LintRule.MAINTAINER_DEPRECATED.warning(
                  "Maintainer instruction is deprecated in favor of using label", node.range()));
        } else if (i instanceof WorkdirInstruction w) {
          if (w.path().startsWith("/")) {
            workdirSet = true;
          } else if (!workdirSet && !w.path().startsWith("$")) {
            out.add(
                LintRule.WORKDIR_RELATIVE_PATH.warning(
                    "Relative workdir '"
                        + w.path()
                        + "' can have unexpected results if the base image changes",
                    node.range()));
          }
        } else if (i instanceof EnvInstruction e) {
          legacyKeyValue("ENV", e.pairs(), node, out);
          for (KeyValue kv : e.pairs()) {
            secretName("ENV", kv.key(), node, out);
          }
        } else if (i instanceof ArgInstruction a) {
          for (ArgDeclaration d : a.args()) {
            secretName("ARG", d.key(), node, out);
          }
        } else if (i instanceof LabelInstruction l) {
          legacyKeyValue("LABEL", l.labels(), node, out);
        }
      }
      for (List<Instruction> same : once.values()) {
        // Every one but the last is ignored by the image.
        for (Instruction i : same.subList(0, same.size() - 1)) {
          out.add(
              LintRule.MULTIPLE_INSTRUCTIONS_DISALLOWED.warning(
                  "Multiple "
                      + i.node().name().toUpperCase(Locale.ROOT)
                      + " instructions should not be used in the same stage because only the last"
                      + " one will be used",
                  i.node().range()));
        }
      }
      if (!from.stageName().isEmpty()) {
        absoluteWorkdir.put(from.stageName(), workdirSet);
      }
    }
    return out;
  }

  private static void fromLine(FromInstruction from, List<ParseWarning> out) {
    Node node = from.node();
    List<String> args = node.args();
    if (args.size() != 3 || !args.get(1).equalsIgnoreCase("as")) {
      return;
    }
    String keyword = node.keyword();
    String as = args.get(1);
    boolean fromUpper = keyword.equals(keyword.toUpperCase(Locale.ROOT));
    boolean fromLower = keyword.equals(keyword.toLowerCase(Locale.ROOT));
    if ((fromUpper && !as.equals(as.toUpperCase(Locale.ROOT)))
        || (fromLower && !as.equals(as.toLowerCase(Locale.ROOT)))) {
      out.add(
          LintRule.FROM_AS_CASING.warning(
              "'" + as + "' and '" + keyword + "' keywords' casing do not match", node.range()));
    }
    String name = args.get(2);
    if (!name.equals(name.toLowerCase(Locale.ROOT))) {
      out.add(
          LintRule.STAGE_NAME_CASING.warning(
              "Stage name '" + name + "' should be lowercase", node.range()));
    }
    if (RESERVED_STAGE_NAMES.contains(name.toLowerCase(Locale.ROOT))) {
      out.add(
          LintRule.RESERVED_STAGE_NAME.warning(
              "Stage name should not use the same name as reserved stage \""
                  + name.toLowerCase(Locale.ROOT)
                  + "\"",
              node.range()));
    }
  }

  /** Instructions whose keyword is not in the case most instructions use. */
  private static void instructionCasing(ParsedDockerfile parsed, List<ParseWarning> out) {
    int upper = 0;
    int lower = 0;
    for (Node n : parsed.instructions()) {
      if (n.keyword().equals(n.keyword().toUpperCase(Locale.ROOT))) {
        upper++;
      } else if (n.keyword().equals(n.keyword().toLowerCase(Locale.ROOT))) {
        lower++;
      }
    }
    boolean majorityLower = lower > upper;
    for (Node n : parsed.instructions()) {
      String k = n.keyword();
      String wanted = majorityLower ? k.toLowerCase(Locale.ROOT) : k.toUpperCase(Locale.ROOT);
      if (!k.equals(wanted)) {
        out.add(
            LintRule.CONSISTENT_INSTRUCTION_CASING.warning(
                "Command '"
                    + k
                    + "' should match the case of the command majority ("
                    + (majorityLower ? "lowercase" : "uppercase")
                    + ")",
                n.range()));
      }
    }
  }

  /** SecretsUsedInArgOrEnv, for ARG and ENV inside stages (global ARGs are not checked). */
  private static void secretName(String keyword, String key, Node node, List<ParseWarning> out) {
    if (SecretNames.looksSecret(key)) {
      out.add(
          LintRule.SECRETS_USED_IN_ARG_OR_ENV.warning(
              "Do not use ARG or ENV instructions for sensitive data ("
                  + keyword
                  + " \""
                  + key
                  + "\")",
              node.range()));
    }
  }

  private static void legacyKeyValue(
      String keyword, List<KeyValue> pairs, Node node, List<ParseWarning> out) {
    if (pairs.stream().anyMatch(KeyValue::noDelimiter)) {
      out.add(
          LintRule.LEGACY_KEY_VALUE_FORMAT.warning(
              "\""
                  + keyword
                  + " key=value\" should be used instead of legacy \""
                  + keyword
                  + " key value\" format",
              node.range()));
    }
  }

  /**
   * A {@code # syntax=} naming anything but Docker's Dockerfile frontend: kiln never runs a
   * frontend image, so such a file is built by kiln's own frontend, which may not be what its
   * author meant.
   */
  private static Optional<ParseWarning> syntax(byte[] dockerfile) {
    Optional<DirectiveReader.Found> found = DirectiveReader.detectSyntax(dockerfile);
    if (found.isEmpty() || isDockerfileFrontend(found.get().ref())) {
      return Optional.empty();
    }
    int line = Math.max(1, found.get().line());
    return Optional.of(
        new ParseWarning(
            "UnsupportedSyntax",
            "kiln uses its built-in Dockerfile frontend, not the frontend \""
                + found.get().ref()
                + "\" that # syntax= names",
            "kiln never runs frontend images; remove the directive or build with BuildKit if the"
                + " file needs that frontend",
            "",
            SourceRange.lines(line, line)));
  }

  static boolean isDockerfileFrontend(String ref) {
    String r = ref.toLowerCase(Locale.ROOT);
    for (String prefix : List.of("docker.io/", "index.docker.io/", "registry-1.docker.io/")) {
      if (r.startsWith(prefix)) {
        r = r.substring(prefix.length());
      }
    }
    int at = r.indexOf('@');
    if (at >= 0) {
      r = r.substring(0, at);
    }
    int colon = r.indexOf(':');
    String repo = colon >= 0 ? r.substring(0, colon) : r;
    return repo.equals("docker/dockerfile") || repo.equals("docker/dockerfile-upstream");
  }
}
