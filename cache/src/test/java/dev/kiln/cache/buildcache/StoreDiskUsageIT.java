package dev.kiln.cache.buildcache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.CacheMounts;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.UnpackedLayers;
import dev.kiln.registry.model.Digest;
import dev.kiln.testdata.ProcessRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln cache du} counts what {@code du -s} counts: blobs, layers unpacked for RUN (with
 * their many small files, symlinks and hard links), cache mounts, layer indexes, blob origins and
 * build workspaces; a store of 2.3 GB once reported 622 MB because it counted only blobs.
 */
class StoreDiskUsageIT {
  @TempDir Path dir;

  @Test
  void theTotalIsWhatDuSaysWithinFivePercent() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("store"));
    Path root = store.paths().root();
    Random random = new Random(42);
    for (int i = 0; i < 4; i++) {
      byte[] blob = new byte[300_000 + i * 1000];
      random.nextBytes(blob);
      store.blobWriter().write(blob);
    }
    Path layer = Files.createDirectories(UnpackedLayers.directory(root).resolve("a".repeat(64)));
    for (int d = 0; d < 20; d++) {
      Path sub = Files.createDirectories(layer.resolve("usr/lib/pkg" + d));
      for (int f = 0; f < 25; f++) {
        Files.write(sub.resolve("file" + f), new byte[random.nextInt(9000)]);
      }
      Files.createSymbolicLink(sub.resolve("link"), Path.of("file0"));
    }
    // The same inode under two names (a RUN's hard link) takes its blocks once.
    Files.write(layer.resolve("big"), new byte[500_000]);
    Files.createLink(layer.resolve("big-again"), layer.resolve("big"));
    UnpackedLayers.markUsed(layer);
    Path mount =
        Files.createDirectories(CacheMounts.directory(root).resolve(CacheMounts.nameOf("m2")));
    for (int f = 0; f < 100; f++) {
      Files.write(mount.resolve("dep" + f + ".jar"), new byte[random.nextInt(20_000)]);
    }
    for (int i = 0; i < 300; i++) {
      Digest d = Digest.sha256(("layer " + i).getBytes(StandardCharsets.UTF_8));
      Path index = store.paths().layerIndex(d);
      Files.createDirectories(index.getParent());
      Files.write(index, new byte[random.nextInt(3000)]);
      store.blobOrigins().record(d, "registry.example/base");
    }
    Files.write(
        Files.createDirectories(store.paths().workspacesDirectory().resolve("build-1"))
            .resolve("spool"),
        new byte[100_000]);

    StoreUsage.Report report = StoreUsage.measure(store, BuildCache.open(store));

    long du =
        Long.parseLong(
            ProcessRunner.run(List.of("du", "-s", "--block-size=1", root.toString()))
                .requireSuccess()
                .stdout()
                .split("\\s+")[0]);
    long total = report.disk().total();
    assertTrue(
        Math.abs(total - du) <= du * 0.05,
        "kiln says " + total + " bytes, du -s says " + du + ": " + report.disk());
    assertEquals(1, report.disk().unpackedLayerCount());
    assertEquals(300, report.disk().layerIndexCount());
    assertEquals(1, report.cacheMounts().size());
    assertTrue(report.disk().unpackedLayers() > 500_000 + 20 * 25 * 4096 / 2, report.toString());
    assertTrue(
        report.disk().unpackedLayers() < 2 * 500_000 + 20 * 25 * 4096 * 3, "big counted once");
  }
}
