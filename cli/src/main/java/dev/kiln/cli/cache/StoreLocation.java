package dev.kiln.cli.cache;

import dev.kiln.cli.CliEnvironment;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --cache-dir} option the {@code kiln cache} commands share. */
public final class StoreLocation {
  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description = "kiln's content store and cache (default: $KILN_CACHE_DIR or ~/.cache/kiln).")
  String cacheDir;

  /** The store root: {@code --cache-dir}, else {@code KILN_CACHE_DIR}, else the default. */
  Path resolve(CliEnvironment cli) {
    // The same resolution as build, push and pull, so every command sees one store.
    return cli.cacheDir(cacheDir == null ? null : Path.of(cacheDir));
  }
}
