package dev.kiln.core.engine;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.ImageBuilder;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.BuildRequestCheck;
import dev.kiln.api.request.RequestException;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.output.FileSystemFailures;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.FileSystemException;
import java.time.Clock;

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
    } catch (RequestException e) {
      throw new BuildFailure(BuildFailure.Kind.USAGE, e.getMessage(), null, e.hint(), e);
    } catch (RegistryException e) {
      throw new BuildFailure(BuildFailure.Kind.REGISTRY, e.getMessage(), null, null, e);
    } catch (ImageNotFoundException e) {
      throw new BuildFailure(BuildFailure.Kind.USAGE, e.getMessage(), null, e.hint(), e);
    } catch (LayerFormatException e) {
      // A layer of a base image that is corrupt or would write outside the root when unpacked.
      throw new BuildFailure(
          BuildFailure.Kind.STEP,
          e.getMessage(),
          null,
          "the image has a malformed or unsafe layer; rebuild it with a tool you trust or use"
              + " another base",
          e);
    } catch (UncheckedIOException e) {
      throw ioFailure(e.getCause(), request);
    } catch (InterruptedIOException | ClosedByInterruptException e) {
      throw interrupted(e);
    } catch (IOException e) {
      throw ioFailure(e, request);
    }
  }

  /**
   * A file-system failure (a full disk, a read-only destination) names its path, kiln's store when
   * the system named none; any other I/O failure is one kiln cannot explain better.
   */
  private static BuildFailure ioFailure(IOException e, BuildRequest request) {
    if (FileSystemFailures.within(BuildRun.storeRoot(request), e)
        instanceof FileSystemException f) {
      return new BuildFailure(
          BuildFailure.Kind.FILE_SYSTEM,
          FileSystemFailures.describe(f),
          null,
          FileSystemFailures.hint(f),
          e);
    }
    return internal(e);
  }

  private static BuildFailure interrupted(Throwable cause) {
    return new BuildFailure(
        BuildFailure.Kind.INTERRUPTED,
        "build interrupted",
        null,
        "run it again: the steps that finished are cached",
        cause);
  }

  private static BuildFailure internal(IOException e) {
    return new BuildFailure(
        BuildFailure.Kind.INTERNAL,
        e.getMessage() == null ? e.toString() : e.getMessage(),
        null,
        "rerun with --debug for details",
        e);
  }
}
