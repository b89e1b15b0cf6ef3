package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tree read from disk, written as a layer and extracted elsewhere comes back identical: owners,
 * modes, times, devices, FIFOs, hardlinks, symlinks and binary xattrs.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DirectoryEntriesIT {
  @TempDir Path dir;

  @Test
  void aTreeSurvivesWalkWriteAndExtract() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Commands.shell(
        src,
        "mkdir -p bin etc/deep && echo tool > bin/tool && ln bin/tool bin/tool2"
            + " && ln -s ../bin/tool etc/link && mkfifo etc/fifo && mknod etc/null c 1 3"
            + " && chown 123:456 etc/deep && chmod 2750 etc/deep && chmod 4755 bin/tool"
            + " && setfattr -n security.capability -v 0x0100000200040000000000000000000000000000 bin/tool"
            + " && setfattr -n user.bin -v 0x80ff00 etc/deep"
            + " && touch -h -d @1500000000 etc/link etc/fifo bin etc etc/deep");
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    LayerWriter.writeTo(blob, DirectoryEntries.read(src, "", true), LayerOptions.defaults());
    Path copy = Files.createDirectory(dir.resolve("copy"));
    new LayerExtractor(copy, ExtractOptions.full())
        .extract(new ByteArrayInputStream(blob.toByteArray()));

    Map<String, String> expected = TreeSnapshot.of(src, true);
    assertEquals(expected, TreeSnapshot.of(copy, true));
    assertTrue(
        expected.get("bin/tool").contains("security.capability=0x01000002"),
        expected.get("bin/tool"));
  }
}
