package dev.kiln.cli;

import dev.kiln.core.build.ImageBuilder;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the commands may touch of the outside world, injected so that tests can run kiln in-process
 * with captured streams, a chosen environment and a recording engine.
 *
 * @param stdout data a script may capture (the image digest, {@code -o -} tars)
 * @param stderr progress and errors
 * @param env the environment (build args without a value, SOURCE_DATE_EPOCH, CI, …)
 * @param stderrIsTerminal whether progress may draw a live view
 * @param engine creates the image builder on first use (it is not needed for {@code --help})
 */
public record CliEnvironment(
    InputStream stdin,
    PrintStream stdout,
    PrintStream stderr,
    Map<String, String> env,
    boolean stderrIsTerminal,
    Supplier<ImageBuilder> engine) {

  /** The real process: System streams, the real environment and the real engine. */
  public static CliEnvironment system(Supplier<ImageBuilder> engine) {
    return new CliEnvironment(
        System.in, System.out, System.err, System.getenv(), System.console() != null, engine);
  }
}
