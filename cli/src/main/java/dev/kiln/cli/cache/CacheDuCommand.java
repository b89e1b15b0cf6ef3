package dev.kiln.cli.cache;

import dev.kiln.api.event.HumanReadable;
import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.buildcache.StoreUsage;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.StoreLocation;
import dev.kiln.cli.TextTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
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
      TextTable entries = new TextTable("CACHE KEY", ">SIZE", "LAST USED", ">LAYERS", "");
      for (StoreUsage.EntryUsage e : r.entries()) {
        entries.row(
            e.key().digest().shortHex(),
            HumanReadable.bytes(e.size()),
            e.lastUsed().truncatedTo(ChronoUnit.SECONDS).toString(),
            Integer.toString(e.layers()),
            e.problem().map(p -> "unusable: " + p).orElse(""));
      }
      entries.print(out);
      out.println();
    }
    if (!r.images().isEmpty()) {
      TextTable images = new TextTable("IMAGE", "DIGEST", ">SIZE");
      for (StoreUsage.ImageUsage i : r.images()) {
        images.row(
            i.name().orElse("<untagged>"),
            i.digest().algorithm() + ":" + i.digest().shortHex(),
            HumanReadable.bytes(i.size()));
      }
      images.print(out);
      out.println();
    }
    if (!r.cacheMounts().isEmpty()) {
      TextTable mounts = new TextTable("CACHE MOUNT", ">SIZE", "LAST USED");
      for (StoreUsage.CacheMountUsage m : r.cacheMounts()) {
        mounts.row(
            m.name(),
            HumanReadable.bytes(m.bytes()),
            m.lastUsed().truncatedTo(ChronoUnit.SECONDS).toString());
      }
      mounts.print(out);
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
        "Blobs:       "
            + r.storeBlobs()
            + (r.storeBlobs() == 1 ? " blob, " : " blobs, ")
            + HumanReadable.bytes(r.storeBytes())
            + " ("
            + HumanReadable.bytes(r.unreferencedBytes())
            + " unreferenced, freed by kiln cache prune)");
    out.println();
    StoreUsage.DiskUsage d = r.disk();
    TextTable disk = new TextTable("ON DISK", ">SIZE", "");
    disk.row("blobs", HumanReadable.bytes(d.blobs()), "");
    disk.row(
        "unpacked layers",
        HumanReadable.bytes(d.unpackedLayers()),
        d.unpackedLayerCount()
            + (d.unpackedLayerCount() == 1 ? " layer" : " layers")
            + " unpacked for RUN (kiln cache prune --all, --filter until=D)");
    disk.row(
        "cache mounts",
        HumanReadable.bytes(d.cacheMounts()),
        r.cacheMounts().size() + " RUN --mount=type=cache (kiln cache prune --mounts [--id ID])");
    disk.row(
        "layer indexes",
        HumanReadable.bytes(d.layerIndexes()),
        d.layerIndexCount() + " (go with their layers)");
    disk.row("cache entries", HumanReadable.bytes(d.buildCache()), "");
    disk.row(
        "bookkeeping",
        HumanReadable.bytes(d.bookkeeping()),
        "layer records, blob origins, context memos");
    disk.row("build workspaces", HumanReadable.bytes(d.workspaces()), "tmp/: running builds");
    disk.row("other", HumanReadable.bytes(d.other()), "index.json, oci-layout");
    disk.print(out);
    out.println("Total:       " + HumanReadable.bytes(d.total()) + " on disk");
  }
}
