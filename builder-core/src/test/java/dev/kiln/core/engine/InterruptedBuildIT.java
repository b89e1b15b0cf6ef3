package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.buildcache.StoreVerifier;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.core.sandbox.ProcessScan;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build stopped from outside, by SIGINT (Ctrl-C) or SIGKILL, in a JVM of its own: the cache it
 * leaves is consistent ({@link StoreVerifier}) and the next build works and reuses what the stopped
 * one finished. SIGINT also stops cleanly: no step process and no mount is left.
 */
@Timeout(600) // a guard against a hang, not a measurement
class InterruptedBuildIT {
  @TempDir Path tmp;
  private BusyboxBuilds builds;
  private Path ctx;
  private final String sleep = "sleep " + (900 + ThreadLocalRandom.current().nextInt(99));

  @BeforeEach
  void setUp() throws Exception {
    builds = BusyboxBuilds.create(tmp);
    ctx = builds.dir("ctx");
    Files.writeString(ctx.resolve("a.txt"), "alpha\n");
  }

  /** What a SIGKILLed build cannot clean up itself: the step's process and its mounts. */
  @AfterEach
  void removeLeftovers() {
    for (long pid : ProcessScan.withMarker(sleep)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    MountTable.unmountAllUnder(tmp);
  }

  private void dockerfile(String run) throws Exception {
    Files.writeString(
        ctx.resolve("Dockerfile"),
        "FROM busybox:test\nCOPY a.txt /a.txt\nRUN echo step-is-running && " + run + "\n");
  }

  @Test
  void sigintStopsTheBuildCleanlyAndTheNextBuildReusesWhatItFinished() throws Exception {
    dockerfile(sleep);
    try (ChildBuild child = ChildBuild.start(builds.cacheDir(), ctx)) {
      child.await(line -> line.equals("output step-is-running"), 240);
      child.signal("INT");
      assertEquals(130, child.waitFor(120), child.output());
      assertTrue(child.output().contains("cancelled [3/3] RUN"), child.output());
    }
    assertEquals(List.of(), ProcessScan.withMarker(sleep), "no step process is left running");
    assertEquals(List.of(), MountTable.mountPointsUnder(tmp), "no mount is left");
    assertEquals(List.of(), leftIn(builds.cacheDir().resolve("tmp")), "no spool is left");
    assertConsistent();

    assertNextBuildReusesTheCopy();
  }

  @Test
  void sigkillDuringARunLeavesAConsistentCache() throws Exception {
    dockerfile(sleep);
    try (ChildBuild child = ChildBuild.start(builds.cacheDir(), ctx)) {
      child.await(line -> line.equals("output step-is-running"), 240);
      child.signal("KILL");
      assertEquals(137, child.waitFor(120), child.output());
    }
    assertConsistent();
    assertNextBuildReusesTheCopy();
    // The killed build left its step running and its snapshot mounted; the next build found its
    // workspace abandoned (its lock is free) and cleaned it up.
    assertEquals(List.of(), ProcessScan.withMarker(sleep), "the killed build's step is stopped");
    assertEquals(List.of(), MountTable.mountPointsUnder(tmp), "its mounts are gone");
    assertEquals(List.of(), leftIn(builds.cacheDir().resolve("tmp")), "its workspace is gone");
  }

  @Test
  void sigkillWhileALayerIsWrittenLeavesAConsistentCache() throws Exception {
    // Random bytes do not compress: the layer takes a while to write, and is killed half-way.
    try (OutputStream out = Files.newOutputStream(ctx.resolve("big.bin"))) {
      Random random = new Random(7);
      byte[] chunk = new byte[1 << 20];
      for (int i = 0; i < 96; i++) {
        random.nextBytes(chunk);
        out.write(chunk);
      }
    }
    Files.writeString(
        ctx.resolve("Dockerfile"), "FROM busybox:test\nCOPY a.txt /a.txt\nCOPY big.bin /big.bin\n");
    Path blobs = builds.cacheDir().resolve("blobs/sha256");
    try (ChildBuild child = ChildBuild.start(builds.cacheDir(), ctx)) {
      child.await(line -> line.startsWith("started [3/3] COPY big.bin"), 240);
      long deadline = System.nanoTime() + 120_000_000_000L;
      while (!writingABlob(blobs) && System.nanoTime() < deadline && child.isRunning()) {
        Thread.onSpinWait();
      }
      child.signal("KILL");
      child.waitFor(120);
    }
    ContentStore store = ContentStore.open(builds.cacheDir());
    System.out.println(
        "after SIGKILL while writing: "
            + StoreVerifier.verify(store, BuildCache.open(store)).tempFiles()
            + " temp file(s) left");
    assertConsistent();

    BusyboxBuilds.Built next = builds.build(BuildRequest.builder(ctx));
    assertEquals(
        """
        ran [1/3] FROM busybox:test
        hit [2/3] COPY a.txt /a.txt
        ran [3/3] COPY big.bin /big.bin
        """,
        next.table());
    assertConsistent();
  }

  private void assertNextBuildReusesTheCopy() throws Exception {
    dockerfile("echo done > /done");
    BusyboxBuilds.Built next = builds.build(BuildRequest.builder(ctx));
    assertEquals(
        """
        ran [1/3] FROM busybox:test
        hit [2/3] COPY a.txt /a.txt
        ran [3/3] RUN echo step-is-running && echo done > /done
        """,
        next.table());
    assertConsistent();
  }

  private void assertConsistent() throws Exception {
    ContentStore store = ContentStore.open(builds.cacheDir());
    StoreVerifier.Report report = StoreVerifier.verify(store, BuildCache.open(store));
    assertEquals(List.of(), report.problems());
    assertTrue(report.blobsChecked() > 0, report.toString());
  }

  private static boolean writingABlob(Path blobs) throws Exception {
    try (Stream<Path> files = Files.list(blobs)) {
      return files.anyMatch(
          f -> f.getFileName().toString().startsWith(".tmp-") && f.toFile().length() > 0);
    }
  }

  private static List<Path> leftIn(Path dir) throws Exception {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }
}
