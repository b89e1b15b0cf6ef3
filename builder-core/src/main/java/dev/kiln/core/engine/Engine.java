package dev.kiln.core.engine;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.Failures;
import dev.kiln.api.build.ImageBuilder;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.BuildRequestCheck;
import dev.kiln.dockerfile.parser.DockerfileException;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;

/**
 * kiln's build engine: the {@link ImageBuilder} the CLI and the Maven plugin use. It runs a {@link
 * BuildRun} and turns every way a build can fail into a {@link BuildFailure} that says what, where
 * and what to do. A build the JVM is asked to stop (Ctrl-C) is interrupted and unwinds before the
 * JVM exits ({@link InterruptOnShutdown}), and fails as {@link BuildFailure.Kind#INTERRUPTED}.
 */
public final class Engine implements ImageBuilder {
  private final Clock clock;

  /** An engine on the wall clock. */
  public Engine() {
    this(Clock.systemUTC());
  }

  /** An engine whose builds read the time from {@code clock} (their events, {@code created}). */
  public Engine(Clock clock) {
    this.clock = clock;
  }

  @Override
  public BuildResult build(BuildRequest request, BuildListener listener) throws BuildFailure {
    try (InterruptOnShutdown shutdown = InterruptOnShutdown.install()) {
      try {
        return run(request, listener);
      } catch (BuildFailure e) {
        if (shutdown.requested() && e.kind() != BuildFailure.Kind.INTERRUPTED) {
          throw interrupted(e);
        }
        throw e;
      }
    }
  }

  private BuildResult run(BuildRequest request, BuildListener listener) throws BuildFailure {
    BuildRun run = new BuildRun(request, listener, clock);
    BuildRun.DockerfileText dockerfile = null;
    try {
      // A value that cannot work fails now, not after every step has run.
      BuildRequestCheck.check(request, BuildRun.storeRoot(request));
      dockerfile = run.dockerfile();
      return run.run(dockerfile);
    } catch (DockerfileException e) {
      throw DockerfileFailures.of(
          BuildFailure.Kind.USAGE, e, dockerfile.name(), dockerfile.bytes(), e);
    } catch (StepFailure e) {
      throw DockerfileFailures.of(
          e.onFullDisk(BuildRun.storeRoot(request)), dockerfile.name(), dockerfile.bytes());
    } catch (IOException | RuntimeException e) {
      throw Failures.of(e, Optional.of(BuildRun.storeRoot(request)));
    }
  }

  private static BuildFailure interrupted(Throwable cause) {
    return Failures.interrupted(cause);
  }
}
