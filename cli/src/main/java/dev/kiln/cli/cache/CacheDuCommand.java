package dev.kiln.cli.cache;

import dev.kiln.api.event.HumanReadable;
import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.buildcache.StoreUsage;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.StoreLocation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kiln cache du}: every build cache entry with its size and last use, every image the store
 * names, and the totals. Reads only; a concurrent build may change the numbers.
 */
@Command(
    name = "du",
    description = "Show disk usage: cache entries (size, last use), stored images, totals.",
    mixinStandardHelpOptions = true)
public final class CacheDuCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  @Spec CommandSpec spec;
  @Mixin StoreLocation location = new StoreLocation();

  public CacheDuCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Path root = location.resolve(cli);
    if (!Files.exists(root)) {
      out.println("No kiln cache at " + root + ".");
      out.flush();
      return ExitCode.OK;
    }
    StoreUsage.Report report;
    try {
      ContentStore store = ContentStore.open(root);
      report = StoreUsage.measure(store, BuildCache.open(store));
    } catch (IOException e) {
      spec.commandLine().getErr().println("ERROR: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return ExitCode.INTERNAL;
    }
    print(report, root, out);
    out.flush();
    return ExitCode.OK;
  }

  private static void print(StoreUsage.Report r, Path root, PrintWriter out) {
    out.println("Store: " + root);
    out.println();
    if (!r.entries().isEmpty()) {
      out.println(
          String.format(
              Locale.ROOT, "%-14s %10s  %-20s %6s", "CACHE KEY", "SIZE", "LAST USED", "LAYERS"));
      for (StoreUsage.EntryUsage e : r.entries()) {
        out.println(
            String.format(
                    Locale.ROOT,
                    "%-14s %10s  %-20s %6d  %s",
                    e.key().digest().shortHex(),
                    HumanReadable.bytes(e.size()),
                    e.lastUsed().truncatedTo(ChronoUnit.SECONDS),
                    e.layers(),
                    e.problem().map(p -> "unusable: " + p).orElse(""))
                .stripTrailing());
      }
      out.println();
    }
    if (!r.images().isEmpty()) {
      out.println(String.format(Locale.ROOT, "%-40s %-19s %10s", "IMAGE", "DIGEST", "SIZE"));
      for (StoreUsage.ImageUsage i : r.images()) {
        out.println(
            String.format(
                Locale.ROOT,
                "%-40s %-19s %10s",
                i.name().orElse("<untagged>"),
                i.digest().algorithm() + ":" + i.digest().shortHex(),
                HumanReadable.bytes(i.size())));
      }
      out.println();
    }
    out.println(
        "Build cache: "
            + r.entries().size()
            + (r.entries().size() == 1 ? " entry, " : " entries, ")
            + HumanReadable.bytes(r.cacheBytes()));
    out.println(
        "Images:      "
            + r.images().size()
            + (r.images().size() == 1 ? " image, " : " images, ")
            + HumanReadable.bytes(r.imageBytes()));
    out.println(
        "Total:       "
            + r.storeBlobs()
            + (r.storeBlobs() == 1 ? " blob, " : " blobs, ")
            + HumanReadable.bytes(r.storeBytes())
            + " ("
            + HumanReadable.bytes(r.unreferencedBytes())
            + " unreferenced, freed by kiln cache prune)");
  }
}
