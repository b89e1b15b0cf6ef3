package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.AddInstruction;
import dev.kiln.dockerfile.instructions.ArgDeclaration;
import dev.kiln.dockerfile.instructions.ArgInstruction;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.DockerfileInstructions;
import dev.kiln.dockerfile.instructions.FromInstruction;
import dev.kiln.dockerfile.instructions.GitReference;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.Mount;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.instructions.StageInstructions;
import dev.kiln.dockerfile.instructions.StopSignalInstruction;
import dev.kiln.dockerfile.instructions.StopSignals;
import dev.kiln.dockerfile.lint.CheckConfig;
import dev.kiln.dockerfile.lint.DockerfileLinter;
import dev.kiln.dockerfile.lint.LintRule;
import dev.kiln.dockerfile.lint.ReferenceSyntax;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.DockerfileParser;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.parser.ParsedDockerfile;
import dev.kiln.dockerfile.parser.SourceRange;
import dev.kiln.dockerfile.parser.Suggestions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds a {@link BuildPlan}: stages, bases, the dependency graph, target pruning, warnings. Stages
 * are found by name through a map and the graph is walked with explicit stacks, so time stays
 * linear and the Java stack flat however many stages a Dockerfile chains.
 */
final class BuildPlanCompiler {
  private BuildPlanCompiler() {}

  static BuildPlan compile(byte[] dockerfile, BuildOptions options) {
    ParsedDockerfile parsed = DockerfileParser.parse(dockerfile);
    DockerfileInstructions all = DockerfileInstructions.from(parsed);
    if (all.stages().isEmpty()) {
      throw new DockerfileException(
          "dockerfile contains no stages to build",
          List.of(parsed.range()),
          "add a FROM instruction",
          null);
    }
    CheckConfig checks = checks(parsed, options);
    List<StageInstructions> raw = all.stages();
    Map<String, Integer> byName = new HashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      FromInstruction from = raw.get(i).from();
      String name = from.stageName();
      if (name.isEmpty()) {
        continue;
      }
      Integer previous = byName.putIfAbsent(name, i);
      if (previous != null) {
        throw new DockerfileException(
            "duplicate stage name " + quote(name),
            List.of(from.range()),
            "stage "
                + quote(name)
                + " is already defined on line "
                + raw.get(previous).from().range().startLine()
                + "; give this stage another name",
            null);
      }
    }
    int target = raw.size() - 1;
    if (!options.target().isEmpty()) {
      Integer t = byName.get(options.target().toLowerCase(Locale.ROOT));
      if (t == null) {
        List<String> names = new ArrayList<>();
        raw.forEach(s -> names.add(s.from().stageName()));
        names.removeIf(String::isEmpty);
        String hint = Suggestions.hint(options.target(), names, false);
        String list =
            names.isEmpty()
                ? "this Dockerfile has no named stages"
                : "stages: " + String.join(", ", names);
        throw new DockerfileException(
            "target stage " + quote(options.target()) + " could not be found",
            List.of(),
            hint == null ? list : hint + " (" + list + ")",
            null);
      }
      target = t;
    }
    String targetName = raw.get(target).from().stageName();
    Map<String, String> globalArgs =
        ArgScope.defaults(options, targetName.isEmpty() ? "default" : targetName);
    List<MetaArg> metaArgs = new ArrayList<>();
    char escape = parsed.escapeToken();
    ExpansionBudget budget = new ExpansionBudget();
    for (ArgInstruction arg : all.metaArgs()) {
      for (ArgDeclaration d : arg.args()) {
        String value;
        if (options.buildArgs().containsKey(d.key())) {
          value = options.buildArgs().get(d.key());
        } else if (d.defaultValue() != null) {
          RecordingExpansion ex = new RecordingExpansion(escape, globalArgs, budget);
          try {
            value = ex.word(d.defaultValue());
          } catch (DockerfileException e) {
            throw e.withRangeIfAbsent(arg.declarationRange(d));
          }
        } else {
          value = null;
        }
        if (value != null) {
          globalArgs.put(d.key(), value);
        }
        metaArgs.add(new MetaArg(d.key(), value, d.docComment(), arg));
      }
    }
    List<ParseWarning> warnings = new ArrayList<>();
    if (!checks.skipAll()) {
      warnings.addAll(DockerfileLinter.check(dockerfile, parsed, all));
      invalidDefaultBases(all, options, targetName, escape, warnings);
    }
    List<Stage> stages = new ArrayList<>(raw.size());
    Map<String, Integer> earlier = new HashMap<>();
    for (int i = 0; i < raw.size(); i++) {
      Stage stage = stage(i, raw.get(i), earlier, globalArgs, options, escape, budget, warnings);
      stages.add(stage);
      if (!stage.name().isEmpty()) {
        earlier.putIfAbsent(stage.name(), i);
      }
    }
    Map<String, String> frozen =
        java.util.Collections.unmodifiableMap(new LinkedHashMap<>(globalArgs));
    return link(parsed, options, metaArgs, frozen, stages, target, warnings, budget);
  }

  /**
   * InvalidDefaultArgInFrom: every FROM that uses a variable must still name a valid image when no
   * --build-arg is given, i.e. with the global ARGs' defaults alone. A default that fails to expand
   * fails the build later anyway, so the check then stops.
   */
  private static void invalidDefaultBases(
      DockerfileInstructions all,
      BuildOptions options,
      String targetName,
      char escape,
      List<ParseWarning> warnings) {
    Map<String, String> defaults =
        ArgScope.defaults(options, targetName.isEmpty() ? "default" : targetName);
    ExpansionBudget budget = new ExpansionBudget();
    Set<String> stageNames = new HashSet<>();
    try {
      for (ArgInstruction arg : all.metaArgs()) {
        for (ArgDeclaration d : arg.args()) {
          if (d.defaultValue() != null) {
            defaults.put(
                d.key(), new RecordingExpansion(escape, defaults, budget).word(d.defaultValue()));
          }
        }
      }
      for (StageInstructions raw : all.stages()) {
        FromInstruction from = raw.from();
        if (from.image().indexOf('$') >= 0) {
          String image = new RecordingExpansion(escape, defaults, budget).word(from.image());
          boolean known =
              stageNames.contains(image.toLowerCase(Locale.ROOT))
                  || options.namedContexts().contains(image);
          if (!known && !ReferenceSyntax.isValid(image)) {
            warnings.add(
                LintRule.INVALID_DEFAULT_ARG_IN_FROM.warning(
                    "Default value for ARG "
                        + from.image()
                        + " results in empty or invalid base image name",
                    from.range()));
          }
        }
        if (!from.stageName().isEmpty()) {
          stageNames.add(from.stageName());
        }
      }
    } catch (DockerfileException e) {
      // Reported where the build expands the same words.
    }
  }

  private static Stage stage(
      int index,
      StageInstructions raw,
      Map<String, Integer> earlier,
      Map<String, String> globalArgs,
      BuildOptions options,
      char escape,
      ExpansionBudget budget,
      List<ParseWarning> warnings) {
    FromInstruction from = raw.from();
    RecordingExpansion ex = new RecordingExpansion(escape, globalArgs, budget);
    String image;
    Platform platform = null;
    try {
      image = ex.word(from.image());
      if (image.isEmpty()) {
        throw new DockerfileException(
            "base name (" + from.image() + ") should not be blank",
            "set the variable with ARG before the first FROM, or pass --build-arg");
      }
      if (!from.platform().isEmpty()) {
        RecordingExpansion px = new RecordingExpansion(escape, globalArgs, budget);
        String p = px.word(from.platform());
        ex.used.putAll(px.used);
        ex.undefined.addAll(px.undefined);
        if (p.isEmpty()) {
          throw new DockerfileException(
              "empty platform value from expression " + from.platform(),
              "declare the ARG it uses before the first FROM");
        }
        try {
          platform = Platform.parse(p);
        } catch (DockerfileException e) {
          throw new DockerfileException(
              "failed to parse platform " + from.platform() + ": " + e.getMessage(),
              e.hint().orElse(null));
        }
        if (px.used.isEmpty() && px.undefined.isEmpty()) {
          constantPlatform(from, platform, warnings);
        }
      }
    } catch (DockerfileException e) {
      throw e.withRangeIfAbsent(from.node().keywordRange());
    }
    for (String name : ex.undefined) {
      warnings.add(
          new ParseWarning(
              "UndefinedArgInFrom",
              "FROM argument '" + name + "' is not declared",
              "declare it with ARG before the first FROM",
              "https://docs.docker.com/go/dockerfile/rule/undefined-arg-in-from/",
              from.range()));
    }
    StageBase base;
    if (!from.stageName().isEmpty() && options.namedContexts().contains(from.stageName())) {
      base = new StageBase.Context(from.stageName());
    } else if (options.namedContexts().contains(image)) {
      base = new StageBase.Context(image);
    } else {
      Integer named = earlier.get(image.toLowerCase(Locale.ROOT));
      if (named != null) {
        base = new StageBase.Stage(named);
      } else {
        base = image.equals("scratch") ? new StageBase.Scratch() : new StageBase.Image(image);
      }
    }
    List<Instruction> instructions = raw.commands();
    if (base instanceof StageBase.Context
        && !from.stageName().isEmpty()
        && ((StageBase.Context) base).name().equals(from.stageName())) {
      // A build context named like the stage replaces the whole stage.
      instructions = List.of();
    }
    for (Instruction i : instructions) {
      if (i instanceof CopyInstruction) {
        for (String src : ((CopyInstruction) i).files().sourcePaths()) {
          if (isUrl(src)) {
            throw new DockerfileException(
                "source can't be a URL for COPY",
                List.of(i.node().find(src).orElse(i.range())),
                "use ADD to download a URL",
                null);
          }
        }
      }
      if (i instanceof StopSignalInstruction stop && stop.signal().indexOf('$') < 0) {
        // Checked here too, so a bad literal fails before any stage runs.
        try {
          StopSignals.check(stop.signal());
        } catch (DockerfileException e) {
          throw e.withRangeIfAbsent(i.node().find(stop.signal()).orElse(i.range()));
        }
      }
      if (i instanceof AddInstruction) {
        AddInstruction add = (AddInstruction) i;
        if (!add.checksum().isEmpty() && add.checksum().indexOf('$') < 0) {
          checkChecksum(add);
        }
      }
    }
    return new Stage(index, from.stageName(), from, base, platform, instructions, ex.used);
  }

  /**
   * FromPlatformFlagConstDisallowed: a literal --platform, unless the stage's name mentions its OS
   * or architecture (one stage per platform, picked by a variable later, is the intended use).
   */
  private static void constantPlatform(
      FromInstruction from, Platform platform, List<ParseWarning> warnings) {
    String name = from.stageName();
    if (name.contains(platform.os()) || name.contains(platform.architecture())) {
      return;
    }
    warnings.add(
        LintRule.FROM_PLATFORM_FLAG_CONST_DISALLOWED.warning(
            "FROM --platform flag should not use constant value \"" + from.platform() + "\"",
            from.range()));
  }

  /**
   * The build-check settings: the {@code BUILDKIT_DOCKERFILE_CHECK} build argument when given, else
   * the {@code # check=} directive.
   */
  static CheckConfig checks(ParsedDockerfile parsed, BuildOptions options) {
    String arg = options.buildArgs().get("BUILDKIT_DOCKERFILE_CHECK");
    if (arg != null) {
      return CheckConfig.parse(arg, "--build-arg BUILDKIT_DOCKERFILE_CHECK");
    }
    return parsed
        .directive("check")
        .map(
            d -> {
              try {
                return CheckConfig.parse(d.value(), "the # check= directive");
              } catch (DockerfileException e) {
                throw e.withRangeIfAbsent(SourceRange.lines(d.line(), d.line()));
              }
            })
        .orElse(CheckConfig.defaults());
  }

  static boolean isUrl(String src) {
    return src.startsWith("http://") || src.startsWith("https://");
  }

  private static void checkChecksum(AddInstruction add) {
    String c = add.checksum();
    for (String src : add.files().sourcePaths()) {
      if (GitReference.isGit(src)) {
        // A git source is pinned by its commit: the checksum is a (prefix of a) commit hash.
        if (!c.chars().allMatch(ch -> Character.digit(ch, 16) >= 0)) {
          throw new DockerfileException(
              "invalid checksum " + c + " for Git URL, expected hex commit hash",
              List.of(add.range()),
              "write --checksum=<commit hash> (hex, as git log prints it)",
              null);
        }
        return;
      }
      if (!isUrl(src)) {
        throw new DockerfileException(
            "checksum can't be specified for non-HTTP(S) sources",
            List.of(add.range()),
            "--checksum verifies downloads; remove it for local files",
            null);
      }
    }
    int colon = c.indexOf(':');
    boolean ok = colon > 0 && colon < c.length() - 1;
    for (int k = colon + 1; ok && k < c.length(); k++) {
      char ch = c.charAt(k);
      ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
    }
    if (!ok && !(c.length() >= 7 && c.chars().allMatch(ch -> Character.digit(ch, 16) >= 0))) {
      throw new DockerfileException(
          "invalid checksum digest format: " + c,
          List.of(add.range()),
          "write --checksum=sha256:<hex>",
          null);
    }
  }

  /** Recomputes the graph after a stage's instructions changed (ONBUILD triggers). */
  static BuildPlan relink(BuildPlan plan, List<Stage> stages) {
    List<ParseWarning> warnings = new ArrayList<>();
    for (ParseWarning w : plan.warnings()) {
      if (!w.rule().equals("UnusedBuildArg")) {
        warnings.add(w);
      }
    }
    List<ParseWarning> base = new ArrayList<>(warnings);
    base.removeAll(plan.parseWarnings());
    return link(
        plan.parsed(),
        plan.options(),
        plan.metaArgs(),
        plan.globalArgs(),
        stages,
        plan.targetIndex(),
        base,
        new ExpansionBudget());
  }

  private static BuildPlan link(
      ParsedDockerfile parsed,
      BuildOptions options,
      List<MetaArg> metaArgs,
      Map<String, String> globalArgs,
      List<Stage> stages,
      int target,
      List<ParseWarning> buildWarnings,
      ExpansionBudget budget) {
    char escape = parsed.escapeToken();
    Map<String, Integer> byName = new HashMap<>();
    for (Stage s : stages) {
      if (!s.name().isEmpty()) {
        byName.putIfAbsent(s.name(), s.index());
      }
    }
    List<Dependency> deps = new ArrayList<>();
    for (Stage s : stages) {
      if (s.base() instanceof StageBase.Stage) {
        deps.add(new Dependency(s.index(), Dependency.Kind.FROM, s.base(), s.from()));
      }
      for (Instruction i : s.instructions()) {
        if (i instanceof CopyInstruction && !((CopyInstruction) i).from().isEmpty()) {
          String from = ((CopyInstruction) i).from();
          if (from.indexOf('$') >= 0) {
            try {
              from = new RecordingExpansion(escape, globalArgs, budget).word(from);
            } catch (DockerfileException e) {
              throw e.withRangeIfAbsent(i.node().keywordRange());
            }
          }
          deps.add(
              new Dependency(
                  s.index(),
                  Dependency.Kind.COPY_FROM,
                  copySource(from, byName, stages, options, i, "--from"),
                  i));
        } else if (i instanceof RunInstruction) {
          List<Mount> mounts = ((RunInstruction) i).mounts();
          for (int m = 0; m < mounts.size(); m++) {
            if (!mounts.get(m).from().isEmpty()) {
              deps.add(
                  new Dependency(
                      s.index(),
                      Dependency.Kind.MOUNT_FROM,
                      copySource(mounts.get(m).from(), byName, stages, options, i, "from="),
                      i,
                      m));
            }
          }
        }
      }
    }
    List<List<Dependency>> edges = stageEdges(stages.size(), deps);
    checkCycles(stages, edges);
    checkOrder(stages, deps);
    List<Integer> order = executionOrder(target, edges);
    List<ParseWarning> warnings = new ArrayList<>(parsed.warnings());
    warnings.addAll(buildWarnings);
    warnings.addAll(unusedBuildArgs(options, metaArgs, stages, order));
    warnings = checks(parsed, options).filter(warnings);
    return new BuildPlan(
        parsed, options, metaArgs, globalArgs, stages, target, deps, order, warnings);
  }

  /**
   * What {@code COPY --from} or a mount's {@code from=} names: a stage (by index or name), a named
   * context, scratch or an image. A plain name one typo away from a stage is refused before it
   * becomes a registry pull.
   */
  private static StageBase copySource(
      String from,
      Map<String, Integer> byName,
      List<Stage> stages,
      BuildOptions options,
      Instruction via,
      String flag) {
    SourceRange at = via.node().find(flag).orElse(via.range());
    StageBase source;
    if (!from.isEmpty() && from.chars().allMatch(c -> c >= '0' && c <= '9')) {
      int index;
      try {
        index = Integer.parseInt(from);
      } catch (NumberFormatException e) {
        index = -1;
      }
      if (index < 0 || index >= stages.size()) {
        throw new DockerfileException(
            "invalid stage index " + from,
            List.of(at),
            "this Dockerfile has stages 0 to " + (stages.size() - 1),
            null);
      }
      source = new StageBase.Stage(index);
    } else {
      source = mountSource(from, byName, options);
    }
    if (source instanceof StageBase.Image && looksLikeStageName(from)) {
      Optional<String> near = Suggestions.closest(from, byName.keySet(), false);
      if (near.isPresent()) {
        throw new DockerfileException(
            "no stage named " + quote(from) + "; did you mean stage " + quote(near.get()) + "?",
            List.of(at),
            "fix the name; to read an image called "
                + quote(from)
                + " instead, write its full reference, e.g. docker.io/library/"
                + from
                + ":latest",
            null);
      }
    }
    return source;
  }

  /** A bare name, as stages are written: no registry, tag or digest that marks an image. */
  private static boolean looksLikeStageName(String from) {
    return !from.isEmpty()
        && from.indexOf('/') < 0
        && from.indexOf(':') < 0
        && from.indexOf('@') < 0
        && !from.equals("scratch");
  }

  private static StageBase mountSource(
      String from, Map<String, Integer> byName, BuildOptions options) {
    Integer named = byName.get(from.toLowerCase(Locale.ROOT));
    if (named != null) {
      return new StageBase.Stage(named);
    }
    if (options.namedContexts().contains(from)) {
      return new StageBase.Context(from);
    }
    return from.equals("scratch") ? new StageBase.Scratch() : new StageBase.Image(from);
  }

  /**
   * A stage can only read stages defined before it (BuildKit checks this since 0.13; before, a
   * forward reference silently copied nothing or failed on a missing file). Checked after cycles so
   * a loop is still reported as one.
   */
  private static void checkOrder(List<Stage> stages, List<Dependency> deps) {
    for (Dependency d : deps) {
      if (d.kind() == Dependency.Kind.FROM
          || !(d.source() instanceof StageBase.Stage st)
          || st.index() <= d.stage()) {
        continue;
      }
      String source = quote(stages.get(st.index()).displayName());
      boolean copy = d.kind() == Dependency.Kind.COPY_FROM;
      throw new DockerfileException(
          "cannot "
              + (copy ? "copy" : "mount")
              + " from stage "
              + source
              + ": it is defined after the current stage "
              + quote(stages.get(d.stage()).displayName()),
          List.of(d.via().node().find(copy ? "--from" : "from=").orElse(d.via().range())),
          "move stage "
              + source
              + " above this one; a stage can only read stages defined before it",
          null);
    }
  }

  /** For each stage, its edges to other stages of this Dockerfile, in the order of {@code deps}. */
  private static List<List<Dependency>> stageEdges(int stageCount, List<Dependency> deps) {
    List<List<Dependency>> edges = new ArrayList<>(stageCount);
    for (int i = 0; i < stageCount; i++) {
      edges.add(new ArrayList<>());
    }
    for (Dependency d : deps) {
      if (d.source() instanceof StageBase.Stage) {
        edges.get(d.stage()).add(d);
      }
    }
    return edges;
  }

  private static int target(Dependency d) {
    return ((StageBase.Stage) d.source()).index();
  }

  private static void checkCycles(List<Stage> stages, List<List<Dependency>> edges) {
    boolean[] visited = new boolean[stages.size()];
    boolean[] onPath = new boolean[stages.size()];
    for (Stage s : stages) {
      List<Dependency> cycle = findCycle(s.index(), edges, visited, onPath);
      if (cycle != null) {
        StringBuilder route = new StringBuilder(stages.get(cycle.get(0).stage()).displayName());
        for (int k = 0; k < cycle.size(); k++) {
          // A long cycle is shown by its ends, so the hint stays one readable line.
          if (cycle.size() > 8 && k == 3) {
            route.append(" -> ... (").append(cycle.size() - 6).append(" more)");
            k = cycle.size() - 3;
          }
          route.append(" -> ").append(stages.get(target(cycle.get(k))).displayName());
        }
        throw new DockerfileException(
            "circular dependency detected on stage: " + s.displayName(),
            List.of(cycle.get(0).via().range()),
            "stages depend on each other: " + route,
            null);
      }
    }
  }

  /**
   * A depth-first walk from {@code root} over stages not yet visited; returns the edges of the
   * first cycle it closes, or null. {@code onPath} is all false again when it returns null.
   */
  private static List<Dependency> findCycle(
      int root, List<List<Dependency>> edges, boolean[] visited, boolean[] onPath) {
    if (visited[root]) {
      return null;
    }
    visited[root] = true;
    onPath[root] = true;
    Deque<int[]> frames = new ArrayDeque<>();
    frames.push(new int[] {root, 0});
    List<Dependency> path = new ArrayList<>();
    while (!frames.isEmpty()) {
      int[] frame = frames.peek();
      List<Dependency> out = edges.get(frame[0]);
      if (frame[1] < out.size()) {
        Dependency d = out.get(frame[1]++);
        int next = target(d);
        path.add(d);
        if (onPath[next]) {
          int start = 0;
          while (path.get(start).stage() != next) {
            start++;
          }
          return new ArrayList<>(path.subList(start, path.size()));
        }
        if (visited[next]) {
          path.remove(path.size() - 1);
        } else {
          visited[next] = true;
          onPath[next] = true;
          frames.push(new int[] {next, 0});
        }
      } else {
        frames.pop();
        onPath[frame[0]] = false;
        if (!frames.isEmpty()) {
          path.remove(path.size() - 1);
        }
      }
    }
    return null;
  }

  /** The stages {@code target} needs, each after the stages it depends on (post-order). */
  private static List<Integer> executionOrder(int target, List<List<Dependency>> edges) {
    List<Integer> order = new ArrayList<>();
    boolean[] seen = new boolean[edges.size()];
    Deque<int[]> frames = new ArrayDeque<>();
    seen[target] = true;
    frames.push(new int[] {target, 0});
    while (!frames.isEmpty()) {
      int[] frame = frames.peek();
      List<Dependency> out = edges.get(frame[0]);
      if (frame[1] < out.size()) {
        int next = target(out.get(frame[1]++));
        if (!seen[next]) {
          seen[next] = true;
          frames.push(new int[] {next, 0});
        }
      } else {
        frames.pop();
        order.add(frame[0]);
      }
    }
    return order;
  }

  private static List<ParseWarning> unusedBuildArgs(
      BuildOptions options, List<MetaArg> metaArgs, List<Stage> stages, List<Integer> order) {
    Set<String> declared = new HashSet<>();
    metaArgs.forEach(m -> declared.add(m.name()));
    for (int i : order) {
      for (Instruction ins : stages.get(i).instructions()) {
        if (ins instanceof ArgInstruction) {
          ((ArgInstruction) ins).args().forEach(a -> declared.add(a.key()));
        }
      }
    }
    List<ParseWarning> out = new ArrayList<>();
    for (String name : new TreeSet<>(options.buildArgs().keySet())) {
      if (declared.contains(name) || ArgScope.predefined(name)) {
        continue;
      }
      String hint = Suggestions.hint(name, declared, true);
      out.add(
          new ParseWarning(
              "UnusedBuildArg",
              "build argument " + quote(name) + " was not consumed by any ARG instruction",
              hint == null ? "declare it with ARG in the stage that uses it" : hint,
              "",
              null));
    }
    return out;
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }
}
