package dev.kiln.cli.debug;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.Dependency;
import dev.kiln.dockerfile.plan.MetaArg;
import dev.kiln.dockerfile.plan.Platform;
import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.dockerfile.plan.StageBase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln debug plan}: compiles the Dockerfile for a target and build args and prints the
 * stages, their bases and dependencies, the execution order and what is pruned.
 */
@Command(
    name = "plan",
    description = "Print the build plan: stages, dependencies, execution order, pruned stages.",
    mixinStandardHelpOptions = true)
public final class DebugPlanCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      description = "The Dockerfile (default: ${DEFAULT-VALUE}).",
      defaultValue = "Dockerfile")
  Path file;

  @Option(names = "--target", description = "The stage to build (default: the last one).")
  String target = "";

  @Option(
      names = "--build-arg",
      description = "KEY=VALUE, repeatable; a bare KEY takes its value from the environment.")
  List<String> buildArgs = new ArrayList<>();

  @Option(names = "--platform", description = "Target platform, e.g. linux/arm64.")
  String platform;

  @Option(
      names = "--build-context",
      description = "NAME=SOURCE of a named build context (only the name matters here).")
  List<String> contexts = new ArrayList<>();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DockerfileSource source = DockerfileSource.read(file, err);
    if (source == null) {
      return 1;
    }
    Map<String, String> args = new LinkedHashMap<>();
    for (String a : buildArgs) {
      int eq = a.indexOf('=');
      if (eq < 0) {
        String v = System.getenv(a);
        if (v != null) {
          args.put(a, v);
        }
      } else {
        args.put(a.substring(0, eq), a.substring(eq + 1));
      }
    }
    Set<String> names = new LinkedHashSet<>();
    for (String c : contexts) {
      int eq = c.indexOf('=');
      names.add(eq < 0 ? c : c.substring(0, eq));
    }
    try {
      BuildOptions options =
          BuildOptions.defaults().withBuildArgs(args).withTarget(target).withNamedContexts(names);
      if (platform != null) {
        options = options.withPlatforms(options.buildPlatform(), Platform.parse(platform));
      }
      BuildPlan plan = BuildPlan.compile(source.bytes, options);
      print(plan, out, source);
      out.flush();
      return 0;
    } catch (DockerfileException e) {
      source.report(e, err);
      return 1;
    }
  }

  private static void print(BuildPlan plan, PrintWriter out, DockerfileSource source) {
    if (!plan.metaArgs().isEmpty()) {
      out.println("global args:");
      for (MetaArg m : plan.metaArgs()) {
        out.println("  " + m.name() + (m.value() == null ? " (unset)" : "=" + m.value()));
      }
    }
    out.println("stages:");
    for (Stage s : plan.stages()) {
      String mark = plan.isRequired(s.index()) ? " " : "-";
      out.printf(
          "%s %d %s  from %s%s  (line %d)%n",
          mark,
          s.index(),
          s.displayName(),
          describe(plan, s.base()),
          s.platform() == null ? "" : " [" + s.platform() + "]",
          s.from().range().startLine());
      for (Dependency d : plan.dependenciesOf(s.index())) {
        if (d.kind() == Dependency.Kind.FROM) {
          continue;
        }
        out.printf(
            "      needs %s  (%s, line %d)%n",
            describe(plan, d.source()),
            d.kind() == Dependency.Kind.COPY_FROM ? "COPY --from" : "RUN --mount from=",
            d.via().range().startLine());
      }
    }
    out.println("target: " + plan.target().displayName());
    List<String> order = new ArrayList<>();
    plan.executionOrder().forEach(s -> order.add(s.displayName()));
    out.println("execution order: " + String.join(" -> ", order));
    List<String> pruned = new ArrayList<>();
    plan.pruned().forEach(s -> pruned.add(s.displayName()));
    out.println("pruned: " + (pruned.isEmpty() ? "(none)" : String.join(", ", pruned)));
    if (!plan.warnings().isEmpty()) {
      out.println("warnings:");
      for (ParseWarning w : plan.warnings()) {
        String where =
            w.range() == null
                ? source.displayName()
                : source.displayName() + ":" + w.range().startLine();
        out.println(
            "  "
                + where
                + ": "
                + w.message()
                + (w.detail().isEmpty() ? "" : " (" + w.detail() + ")"));
      }
    }
  }

  private static String describe(BuildPlan plan, StageBase base) {
    if (base instanceof StageBase.Stage) {
      return "stage " + plan.stage(((StageBase.Stage) base).index()).displayName();
    }
    if (base instanceof StageBase.Image) {
      return "image " + ((StageBase.Image) base).reference();
    }
    if (base instanceof StageBase.Context) {
      return "context " + ((StageBase.Context) base).name();
    }
    return "scratch";
  }
}
