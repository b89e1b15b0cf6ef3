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
      "Without options only unreferenced blobs (older than an hour) are deleted.",
      "Images named in the store's index.json are never removed.",
      "Layers unpacked for RUN steps go with --all or --filter until=D (unused for D),",
      "and only while no build is running."
    },
    mixinStandardHelpOptions = true)
public final class CachePruneCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  @Spec CommandSpec spec;
  @Mixin StoreLocation location = new StoreLocation();

  @Option(
      names = "--all",
      description = "Remove every cache entry, the stat memos and the unpacked layers.")
  boolean all;

  @Option(
      names = "--keep-storage",
      paramLabel = "SIZE",
      description =
          "Remove least recently used entries until the cache's blobs fit in SIZE (e.g. 10GB).")
  String keepStorage;

  @Option(
      names = "--filter",
      paramLabel = "FILTER",
      description =
          "Only entries matching: until=DURATION (unused for at least DURATION, e.g. 24h).")
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
            + report.removedEntries().size()
            + (report.removedEntries().size() == 1 ? " cache entry" : " cache entries")
            + " and "
            + report.removedBlobs()
            + (report.removedBlobs() == 1 ? " blob" : " blobs")
            + "; freed "
            + HumanReadable.bytes(report.freedBytes())
            + ".");
    if (report.removedUnpackedLayers() > 0) {
      out.println(
          "Removed "
              + report.removedUnpackedLayers()
              + " unpacked layer "
              + (report.removedUnpackedLayers() == 1 ? "directory" : "directories")
              + " ("
              + HumanReadable.bytes(report.unpackedLayerBytes())
              + ").");
    }
    if (report.unpackedLayersKeptForRunningBuild() && (all || !filters.isEmpty())) {
      out.println("Kept the unpacked layers: a build is running and uses them.");
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
    return new PruneOptions(all, keep, until, PruneOptions.DEFAULT_GRACE);
  }
}
