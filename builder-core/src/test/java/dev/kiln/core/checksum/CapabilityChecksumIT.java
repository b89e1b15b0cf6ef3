package dev.kiln.core.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.StorePaths;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File capabilities set with the real {@code setcap} are read with the real {@code getfattr}, and a
 * {@code setcap} on an unchanged file defeats the stat memo (it updates the change time).
 */
class CapabilityChecksumIT {
  @TempDir Path dir;

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
  }

  private Digest build(Path ctx, StorePaths store) throws IOException {
    StatMemo memo = StatMemo.open(store, ctx);
    Digest d =
        new TreeChecksummer(
                DirectoryTree.context(
                    ctx,
                    PatternMatcher.of(List.of()),
                    memo,
                    ContentReader.FILES,
                    null,
                    Contexts.LATER))
            .checksum("");
    memo.save();
    return d;
  }

  @Test
  void setcapChangesTheChecksumEvenWithAWarmMemo() throws Exception {
    Path ctx = dir.resolve("ctx");
    Files.createDirectories(ctx.resolve("bin"));
    Path ping = Files.copy(Path.of("/bin/true"), ctx.resolve("bin/ping"));
    Files.copy(Path.of("/bin/true"), ctx.resolve("bin/other"));
    StorePaths store = new StorePaths(dir.resolve("store"));
    Digest plain = build(ctx, store);
    assertEquals(plain, build(ctx, store));

    run("setcap", "cap_net_raw+ep", ping.toString());
    Optional<byte[]> cap = new GetfattrCapabilities(ctx).capability(ping);
    assertTrue(cap.isPresent(), "getfattr did not report the capability");
    Digest capable = build(ctx, store);
    assertNotEquals(plain, capable);

    run("setcap", "cap_net_admin+ep", ping.toString());
    assertNotEquals(capable, build(ctx, store));
  }

  @Test
  void manyLookupsSwitchToOneScanThatSeesTheSameCapabilities() throws Exception {
    Path ctx = dir.resolve("many");
    Files.createDirectories(ctx.resolve("sub"));
    List<Path> files = new java.util.ArrayList<>();
    for (int i = 0; i < GetfattrCapabilities.SINGLE_LOOKUPS + 4; i++) {
      files.add(Files.copy(Path.of("/bin/true"), ctx.resolve("sub/f" + (char) ('a' + i))));
    }
    Path last = files.get(files.size() - 1);
    Path first = files.get(0);
    run("setcap", "cap_net_raw+ep", first.toString());
    run("setcap", "cap_net_raw+ep", last.toString());

    GetfattrCapabilities reader = new GetfattrCapabilities(ctx);
    List<Boolean> capable = new java.util.ArrayList<>();
    for (Path f : files) {
      capable.add(reader.capability(f).isPresent());
    }

    List<Boolean> expected = new java.util.ArrayList<>();
    for (Path f : files) {
      expected.add(f.equals(first) || f.equals(last));
    }
    assertEquals(expected, capable, "single lookups and the scan disagree");
  }
}
