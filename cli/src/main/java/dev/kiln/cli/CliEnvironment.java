package dev.kiln.cli;

import dev.kiln.api.build.ImageBuilder;
import dev.kiln.cache.store.CacheDirectory;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the commands may touch of the outside world, injected so that tests can run kiln in-process
 * with captured streams, a chosen environment and a recording engine.
 *
 * @param stdout data a script may capture (the image digest, {@code -o -} tars)
 * @param stderr progress and errors
 * @param env the environment (build args without a value, SOURCE_DATE_EPOCH, CI, DOCKER_CONFIG, …)
 * @param stderrIsTerminal whether progress may draw a live view
 * @param engine creates the image builder on first use (it is not needed for {@code --help})
 * @param interrupted whether the user pressed Ctrl-C: a failure after that is reported as an
 *     interruption (exit 130), not as whatever the interrupted code threw
 */
public record CliEnvironment(
    InputStream stdin,
    PrintStream stdout,
    PrintStream stderr,
    Map<String, String> env,
    boolean stderrIsTerminal,
    Supplier<ImageBuilder> engine,
    BooleanSupplier interrupted) {

  /** An environment that is never interrupted (in-process callers and tests). */
  public CliEnvironment(
      InputStream stdin,
      PrintStream stdout,
      PrintStream stderr,
      Map<String, String> env,
      boolean stderrIsTerminal,
      Supplier<ImageBuilder> engine) {
    this(stdin, stdout, stderr, env, stderrIsTerminal, engine, () -> false);
  }

  /** The real process: System streams, the real environment and the real engine. */
  public static CliEnvironment system(Supplier<ImageBuilder> engine, BooleanSupplier interrupted) {
    return new CliEnvironment(
        System.in,
        System.out,
        System.err,
        System.getenv(),
        System.console() != null,
        engine,
        interrupted);
  }

  /** The user's home directory: {@code $HOME}, else the JVM's idea of it. */
  public Path home() {
    String home = env.get("HOME");
    return Path.of(home == null || home.isBlank() ? System.getProperty("user.home") : home);
  }

  /** The content store: {@code explicit} ({@code --cache-dir}), else as {@link CacheDirectory}. */
  public Path cacheDir(Path explicit) {
    return CacheDirectory.resolve(Optional.ofNullable(explicit).map(Path::toString), env, home());
  }
}
