package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ProcessRunner;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln cache du} and {@code prune} over a store a real build filled: unpacked layers for
 * RUN, a cache mount, layer indexes, an untagged image. The total is what {@code du -s} says, and
 * every part of it can be pruned.
 */
class CacheDiskIT {
  private static final Pattern TOTAL = Pattern.compile("(?m)^Total: +([0-9.]+)([kMG]?)B on disk$");

  @TempDir Path home;

  @Test
  void duCountsWhatIsOnDiskAndPruneFreesEveryPartOfIt() {
    KilnCli kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    Path context =
        kiln.context(
            "app",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\n"
                    + "RUN --mount=type=cache,id=blobs,target=/cache"
                    + " dd if=/dev/urandom of=/cache/data bs=1024 count=512\n"
                    + "RUN echo built > /built.txt\n"));
    // No -t: the image is kept by its digest only.
    String untagged = kiln.run("build", "-q", context.toString()).ok().stdout().strip();

    String du = kiln.run("cache", "du").ok().stdout();
    assertTrue(du.contains("CACHE MOUNT"), du);
    assertTrue(du.contains("<untagged>"), du);
    long reported = total(du);
    long measured = duOf(kiln.cacheDir());
    assertTrue(
        Math.abs(reported - measured) <= measured * 0.05,
        "kiln cache du says " + reported + ", du -s says " + measured + "\n" + du);

    KilnCli.Result mounts = kiln.run("cache", "prune", "--mounts", "--id", "blobs").ok();
    assertTrue(mounts.stdout().contains("Removed 1 cache mount ("), mounts.describe());
    assertTrue(duOf(kiln.cacheDir()) < measured - 500_000, "the 512 KiB cache mount is gone");

    // The named base image takes more than 1 MB by itself: everything else that can go, goes.
    long before = duOf(kiln.cacheDir());
    KilnCli.Result keep = kiln.run("cache", "prune", "--keep-storage", "1MB").ok();
    assertTrue(keep.stdout().contains("unpacked layer"), keep.describe());
    assertTrue(keep.stdout().contains("1 untagged image"), keep.describe());
    assertTrue(duOf(kiln.cacheDir()) < before / 2, keep.describe());
    String images = kiln.run("images").ok().stdout();
    assertFalse(images.contains(untagged.substring(7, 19)), images);
    assertTrue(images.contains("busybox"), "named images stay: " + images);
  }

  private static long total(String du) {
    Matcher m = TOTAL.matcher(du);
    assertTrue(m.find(), du);
    double value = Double.parseDouble(m.group(1));
    int power = "kMG".indexOf(m.group(2).toUpperCase(Locale.ROOT).replace("K", "k")) + 1;
    return (long) (value * Math.pow(1000, power));
  }

  private static long duOf(Path dir) {
    String out =
        ProcessRunner.run(List.of("du", "-s", "--block-size=1", dir.toString()))
            .requireSuccess()
            .stdout();
    return Long.parseLong(out.split("\\s+")[0]);
  }
}
