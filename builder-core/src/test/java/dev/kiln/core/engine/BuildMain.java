package dev.kiln.core.engine;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.StepRef;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.api.request.SshSpec;
import java.nio.file.Path;

/**
 * A kiln build in a JVM of its own, for tests that stop it with a signal: {@code BuildMain
 * CACHE_DIR CONTEXT_DIR [isolation=I] [snapshotter=S] [secret=SPEC]... [ssh=SPEC]...}. Prints one
 * line per step event ({@code started LABEL}, {@code output LINE}, {@code cached|completed|failed
 * LABEL}) so the test can wait for a moment to strike.
 */
public final class BuildMain {
  private BuildMain() {}

  public static void main(String[] args) throws Exception {
    BuildRequest.Builder builder =
        BuildRequest.builder(Path.of(args[1]))
            .cacheDir(Path.of(args[0]))
            .output(OutputSpecParser.parse("type=image"));
    for (int i = 2; i < args.length; i++) {
      String option = args[i];
      if (option.startsWith("isolation=")) {
        builder.isolation(option.substring("isolation=".length()));
      } else if (option.startsWith("snapshotter=")) {
        builder.snapshotter(option.substring("snapshotter=".length()));
      } else if (option.startsWith("ssh=")) {
        builder.ssh(SshSpec.parse(option.substring("ssh=".length())));
      } else if (option.startsWith("secret=")) {
        builder.secret(SecretSpec.parse(option.substring("secret=".length())));
      } else {
        throw new IllegalArgumentException("unknown option " + option);
      }
    }
    BuildRequest request = builder.build();
    try {
      BuildResult result = new Engine().build(request, BuildMain::print);
      System.out.println("done " + result.imageDigest().orElseThrow());
      System.exit(0);
    } catch (BuildFailure e) {
      System.out.println("failure " + e.kind() + " " + e.getMessage());
      System.exit(1);
    }
  }

  private static void print(BuildEvent event) {
    String line = null;
    if (event instanceof BuildEvent.StepStarted s) {
      line = "started " + label(s.step());
    } else if (event instanceof BuildEvent.StepCached c) {
      line = "cached " + label(c.step());
    } else if (event instanceof BuildEvent.StepCompleted c) {
      line = "completed " + label(c.step());
    } else if (event instanceof BuildEvent.StepFailed f) {
      line = (f.cancelled() ? "cancelled " : "failed ") + label(f.step());
    } else if (event instanceof BuildEvent.StepOutput o) {
      line = "output " + o.line();
    }
    if (line != null) {
      synchronized (System.out) {
        System.out.println(line);
        System.out.flush();
      }
    }
  }

  private static String label(StepRef step) {
    return step.label();
  }
}
