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
}
