package dev.kiln.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.sandbox.Isolation;
import dev.kiln.core.sandbox.OutputListener;
import dev.kiln.core.sandbox.RunRequest;
import dev.kiln.core.sandbox.Sandbox;
import dev.kiln.core.sandbox.SandboxSelector;
import dev.kiln.core.sandbox.SandboxSettings;
import dev.kiln.core.sandbox.TestRootfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prints what a step costs on this machine (sandbox start-up per backend; prepare and diff per
 * snapshotter over a base with 3,000 extra files), for the documentation. It asserts only that the
 * steps worked: timings vary with the machine and are never a pass/fail criterion.
 */
class StepTimingsIT {
  @TempDir Path tmp;

  @Test
  void printsStepCosts() throws Exception {
    Path base = TestRootfs.extractBusybox(tmp.resolve("layers/base"));
    Path bulk = Files.createDirectories(tmp.resolve("layers/bulk/usr/share/bulk"));
    byte[] kib = new byte[1024];
    for (int d = 0; d < 30; d++) {
      Path dir = Files.createDirectories(bulk.resolve("d" + d));
      for (int f = 0; f < 100; f++) {
        Files.write(dir.resolve("f" + f), kib);
      }
    }
    List<Path> layers = List.of(base, tmp.resolve("layers/bulk"));
    StringBuilder report = new StringBuilder("\n--- step costs on this machine ---\n");

    for (Isolation isolation : List.of(Isolation.OCI, Isolation.CHROOT)) {
      Sandbox sandbox =
          SandboxSelector.select(isolation, SandboxSettings.forCurrentUser(tmp.resolve("state")))
              .sandbox();
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        long start = System.nanoTime();
        assertTrue(
            sandbox
                .run(RunRequest.builder(base, List.of("true")).build(), OutputListener.DISCARD)
                .succeeded());
        millis.add((System.nanoTime() - start) / 1_000_000);
      }
      millis = millis.subList(2, millis.size());
      Collections.sort(millis);
      report.append(
          String.format(
              "%-6s RUN true: median %d ms (min %d, max %d, 10 runs)%n",
              isolation, millis.get(5), millis.get(0), millis.get(9)));
    }

    for (SnapshotterKind kind : List.of(SnapshotterKind.OVERLAY, SnapshotterKind.COPY)) {
      Snapshotter snapshotter =
          SnapshotterSelector.select(kind, tmp.resolve("snapshots")).snapshotter();
      snapshotter.prepare(layers).close(); // warm the layer attribute indexes
      long start = System.nanoTime();
      try (Snapshot snapshot = snapshotter.prepare(layers)) {
        long prepared = System.nanoTime();
        Files.writeString(snapshot.rootfs().resolve("usr/share/bulk/d7/f7"), "changed");
        long diffStart = System.nanoTime();
        SnapshotDiff diff = snapshot.diff();
        long diffed = System.nanoTime();
        assertEquals("M usr/share/bulk/d7/f7\n", diff.summary());
        report.append(
            String.format(
                "%-7s busybox + 3,000 files: prepare %d ms, diff after one change %d ms%n",
                kind, (prepared - start) / 1_000_000, (diffed - diffStart) / 1_000_000));
      }
    }
    System.out.println(report);
  }
}
