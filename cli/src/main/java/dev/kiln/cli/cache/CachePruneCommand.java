package dev.kiln.cli.cache;

import dev.kiln.api.event.HumanReadable;
import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.buildcache.PruneOptions;
import dev.kiln.cache.buildcache.PruneReport;
import dev.kiln.cache.buildcache.StorePruner;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.StoreLocation;
import dev.kiln.dockerfile.instructions.GoDuration;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln cache prune}: removes build cache entries by policy, then deletes the blobs that
 * neither a stored image nor a remaining entry needs. Safe while builds run (see {@link
 * StorePruner}).
 */
@Command(
    name = "prune",
    description = {
      "Remove build cache entries and the blobs nothing needs any more.",
      "Without options only unreferenced blobs (older than an hour) are deleted, with the layer",
      "indexes and records of what is gone. Named images are never removed (kiln rmi does that);",
      "images kept by digest only (built without -t) go like cache entries.",
      "Layers unpacked for RUN steps and cache mounts go with --all, --filter until=D (unused for",
      "D), --keep-storage or --mounts, and only while no build is running."
    },
    mixinStandardHelpOptions = true)
public final class CachePruneCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  @Spec CommandSpec spec;
  @Mixin StoreLocation location = new StoreLocation();

  @Option(
      names = "--all",
      description =
          "Remove every cache entry, untagged image, unpacked layer, cache mount and stat memo"
              + " (default: off).")
  boolean all;

  @Option(
      names = "--mounts",
      description =
          "Remove the contents of RUN --mount=type=cache caches (all, or those of --id), and"
              + " nothing else beyond a plain prune (default: off).")
  boolean mounts;

  @Option(
      names = "--id",
      paramLabel = "ID",
      description =
          "With --mounts: only the cache mount with this id (the mount's id=, else its target);"
              + " repeatable (default: every cache mount).")
  List<String> mountIds = new ArrayList<>();

  @Option(
      names = "--keep-storage",
      paramLabel = "SIZE",
      description =
          "Remove what was least recently used (cache entries, untagged images, unpacked layers,"
              + " cache mounts) until the whole store takes at most SIZE on disk, e.g. 10GB"
              + " (default: no limit).")
  String keepStorage;

  @Option(
      names = "--filter",
      paramLabel = "FILTER",
      description =
          "Only what matches: until=DURATION (unused for at least DURATION, e.g. 24h)"
              + " (default: no filter).")
  List<String> filters = new ArrayList<>();

  public CachePruneCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    PruneOptions options = options();
    PrintWriter out = spec.commandLine().getOut();
    Path root = location.resolve(cli);
    if (!Files.exists(root)) {
      out.println("No kiln cache at " + root + "; nothing to prune.");
      out.flush();
      return ExitCode.OK;
    }
    PruneReport report;
    try {
      ContentStore store = ContentStore.open(root);
      report = new StorePruner(store, BuildCache.open(store), Clock.systemUTC()).prune(options);
    } catch (IOException e) {
      spec.commandLine().getErr().println("ERROR: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return ExitCode.INTERNAL;
    }
    out.println(
        "Removed "
            + count(report.removedEntries().size(), "cache entry", "cache entries")
            + ", "
            + count(report.removedUntaggedImages().size(), "untagged image", "untagged images")
            + " and "
            + count(report.removedBlobs(), "blob", "blobs")
            + "; freed "
            + HumanReadable.bytes(report.freedBytes())
            + ".");
    if (report.removedUnpackedLayers() > 0) {
      out.println(
          "Removed "
              + count(
                  report.removedUnpackedLayers(),
                  "unpacked layer directory",
                  "unpacked layer" + " directories")
              + " ("
              + HumanReadable.bytes(report.unpackedLayerBytes())
              + ").");
    }
    if (report.removedCacheMounts() > 0) {
      out.println(
          "Removed "
              + count(report.removedCacheMounts(), "cache mount", "cache mounts")
              + " ("
              + HumanReadable.bytes(report.cacheMountBytes())
              + ").");
    } else if (mounts && !report.unpackedLayersKeptForRunningBuild()) {
      out.println(
          mountIds.isEmpty()
              ? "No cache mounts to remove."
              : "No cache mount has the id " + String.join(" or ", mountIds) + ".");
    }
    if (report.removedLayerIndexes() > 0 || report.removedBlobOrigins() > 0) {
      out.println(
          "Removed "
              + count(report.removedLayerIndexes(), "layer index", "layer indexes")
              + " and "
              + count(report.removedBlobOrigins(), "blob origin record", "blob origin records")
              + " of layers and blobs that are gone.");
    }
    if (report.unpackedLayersKeptForRunningBuild()) {
      out.println("Kept the unpacked layers and cache mounts: a build is running and uses them.");
    }
    if (report.keptYoungBlobs() > 0 || report.keptLiveTempFiles() > 0) {
      out.println(
          "Kept "
              + report.keptYoungBlobs()
              + " unreferenced blobs and "
              + report.keptLiveTempFiles()
              + " temp files younger than "
              + GoDuration.format(options.grace())
              + " (a build may still be using them).");
    }
    out.println(
        "The store takes "
            + HumanReadable.bytes(report.storeBytesAfter())
            + " on disk (was "
            + HumanReadable.bytes(report.storeBytesBefore())
            + ").");
    out.flush();
    return ExitCode.OK;
  }

  private PruneOptions options() {
    OptionalLong keep = OptionalLong.empty();
    if (keepStorage != null) {
      try {
        keep = OptionalLong.of(SizeText.parse(keepStorage));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--keep-storage: " + e.getMessage());
      }
    }
    Optional<Duration> until = Optional.empty();
    for (String filter : filters) {
      int eq = filter.indexOf('=');
      String name = eq < 0 ? filter : filter.substring(0, eq);
      if (!name.equals("until") || eq < 0) {
        throw new ParameterException(
            spec.commandLine(),
            "unsupported filter '"
                + filter
                + "': kiln cache prune supports until=DURATION (e.g. until=24h)");
      }
      try {
        Duration d = GoDuration.parse(filter.substring(eq + 1));
        if (d.isNegative()) {
          throw new IllegalArgumentException("must not be negative");
        }
        until = Optional.of(d);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(
            spec.commandLine(), "--filter " + filter + ": " + e.getMessage() + " (e.g. until=24h)");
      }
    }
    if (!mountIds.isEmpty() || mounts) {
      mounts = true; // --id alone means --mounts
      if (all || keep.isPresent()) {
        throw new ParameterException(
            spec.commandLine(),
            "--mounts removes cache mounts only; --all and --keep-storage already include them");
      }
      return PruneOptions.cacheMounts(java.util.Set.copyOf(mountIds), until);
    }
    return new PruneOptions(all, keep, until, PruneOptions.DEFAULT_GRACE);
  }

  private static String count(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
