package dev.kiln.api;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.ImageBuilder;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.core.engine.Engine;
import java.time.Clock;

/**
 * kiln as a library: the one door the CLI, the Maven plugin and other Java callers use. Describe a
 * build with a {@link BuildRequest} ({@code BuildRequest.builder(context)…build()}), run it with
 * {@link #build}, follow it through the {@link BuildListener}'s events, and get a {@link
 * BuildResult} or a {@link BuildFailure} whose kind says what went wrong (the CLI maps it to an
 * exit code).
 *
 * <p>Everything a caller needs lives under {@code dev.kiln.api}; the packages below it ({@code
 * dev.kiln.core…}) are kiln's internals and may change.
 */
public final class Kiln implements ImageBuilder {
  private final Engine engine;

  /** kiln on the wall clock. */
  public Kiln() {
    this(Clock.systemUTC());
  }

  /** kiln reading the time from {@code clock}: event times and images' {@code created}. */
  public Kiln(Clock clock) {
    this.engine = new Engine(clock);
  }

  @Override
  public BuildResult build(BuildRequest request, BuildListener listener) throws BuildFailure {
    return engine.build(request, listener);
  }
}
