package dev.kiln.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --cache-dir} option of every command that uses kiln's local store. */
public final class StoreLocation {
  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "kiln's local store and build cache (default: $KILN_CACHE_DIR or ~/.cache/kiln).")
  Path cacheDir;

  /** The store root: {@code --cache-dir}, else {@code KILN_CACHE_DIR}, else the default. */
  public Path resolve(CliEnvironment cli) {
    // One resolution for every command, so build, push, pull and cache all see one store.
    return cli.cacheDir(cacheDir);
  }
}
