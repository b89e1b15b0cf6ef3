package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extraction of what needs root and the host commands: device nodes, FIFOs, ownership, setuid bits
 * that survive the chown, and binary {@code security.capability} values.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LayerExtractorIT {
  @TempDir Path target;

  private static Map<String, Object> stat(Path p) throws IOException {
    return Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
  }

  private static int mode(Path p) throws IOException {
    return (Integer) stat(p).get("mode");
  }

  // Linux encodes major/minor into dev_t as the glibc makedev() macro does.
  private static long makedev(long major, long minor) {
    return ((major & 0xfff) << 8)
        | ((major & ~0xfffL) << 32)
        | (minor & 0xff)
        | ((minor & ~0xffL) << 12);
  }

  @Test
  void devicesFifosOwnersSetuidBitsAndCapabilitiesAreRestored() throws Exception {
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    LayerWriter.writeTo(
        blob,
        new LayerTree().addAll(SampleEntries.everything()).entries(),
        LayerOptions.defaults());
    new LayerExtractor(target, ExtractOptions.full())
        .extract(new ByteArrayInputStream(blob.toByteArray()));

    Path ping = target.resolve("usr/bin/ping");
    assertEquals(0100000 | 04755, mode(ping), "setuid survives: chmod comes after chown");
    assertArrayEquals(
        SampleEntries.CAPABILITY, ExtendedAttributes.read(ping).get("security.capability"));
    assertArrayEquals(SampleEntries.BINARY, ExtendedAttributes.read(ping).get("user.odd"));
    String getcap =
        Commands.run(target, "getfattr", "-n", "security.capability", "-e", "hex", "usr/bin/ping");
    assertTrue(getcap.contains("0x0100000200040000000000000000000000000000"), getcap);

    Map<String, Object> nul = stat(target.resolve("dev/null"));
    assertEquals(0020000 | 0666, nul.get("mode"));
    assertEquals(makedev(1, 3), ((Number) nul.get("rdev")).longValue());
    Map<String, Object> loop = stat(target.resolve("dev/loop0"));
    assertEquals(0060000 | 0660, loop.get("mode"));
    assertEquals(makedev(7, 0), ((Number) loop.get("rdev")).longValue());
    assertEquals(6, loop.get("gid"));
    Map<String, Object> pipe = stat(target.resolve("run/pipe"));
    assertEquals(0010000 | 0620, pipe.get("mode"));
    assertEquals(
        1_700_000_008L,
        Files.getLastModifiedTime(target.resolve("run/pipe"), LinkOption.NOFOLLOW_LINKS).toMillis()
            / 1000);

    Map<String, Object> srv = stat(target.resolve("srv"));
    assertEquals(040000 | 02775, srv.get("mode"));
    assertEquals(List.of(1000, 50), List.of(srv.get("uid"), srv.get("gid")));
    Map<String, Object> bigIds = stat(target.resolve("srv/big-ids"));
    assertEquals(List.of(3_000_000, 4_000_000), List.of(bigIds.get("uid"), bigIds.get("gid")));
    assertEquals(0100000 | 0640, bigIds.get("mode"));
    assertEquals(040000 | 01777, mode(target.resolve("tmp")));
    assertEquals("long", Files.readString(target.resolve(SampleEntries.LONG_NAME)));
    assertEquals("utf8", Files.readString(target.resolve("srv/caf\u00e9 \ud83d\ude00")));
  }

  @Test
  void unprivilegedExtractionSkipsDevicesOwnersAndXattrs() throws Exception {
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    LayerWriter.writeTo(
        blob,
        new LayerTree().addAll(SampleEntries.everything()).entries(),
        LayerOptions.defaults());
    new LayerExtractor(target, ExtractOptions.unprivileged())
        .extract(new ByteArrayInputStream(blob.toByteArray()));

    assertTrue(Files.notExists(target.resolve("dev/null"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(
        Files.exists(target.resolve("run/pipe"), LinkOption.NOFOLLOW_LINKS),
        "FIFOs need no privilege");
    Path ids = target.resolve("srv/big-ids");
    assertEquals(
        List.of(stat(target).get("uid"), stat(target).get("gid")),
        List.of(stat(ids).get("uid"), stat(ids).get("gid")),
        "owned by whoever extracted it");
    assertEquals(Map.of(), ExtendedAttributes.read(target.resolve("usr/bin/ping")));
  }

  @Test
  void anOverlayLayerKeepsWhiteoutsAsDevicesAndOpaqueDirectoriesAsMarks() throws Exception {
    List<LayerEntry> entries = new java.util.ArrayList<>();
    entries.add(LayerEntry.directory("etc", 0755, 0, 0, 100));
    entries.add(LayerEntry.directory("etc/ro", 0555, 0, 0, 100));
    entries.add(LayerEntry.directory("var", 0755, 0, 0, 100));
    for (int i = 0; i < 300; i++) {
      entries.add(LayerEntry.whiteout("etc/gone-" + i, 100));
    }
    entries.add(LayerEntry.whiteout("etc/ro/hidden", 100));
    entries.add(LayerEntry.opaqueWhiteout("var", 100));
    ByteArrayOutputStream blob = new ByteArrayOutputStream();
    LayerWriter.writeTo(blob, new LayerTree().addAll(entries).entries(), LayerOptions.defaults());
    new LayerExtractor(target, ExtractOptions.overlayLayer())
        .extract(new ByteArrayInputStream(blob.toByteArray()));

    for (String name : List.of("etc/gone-0", "etc/gone-299", "etc/ro/hidden")) {
      Map<String, Object> st = stat(target.resolve(name));
      assertEquals(0020000, (Integer) st.get("mode") & 0170000, name + " is a character device");
      assertEquals(0L, (Long) st.get("rdev"), name + " is device 0/0");
    }
    assertEquals(
        0555,
        mode(target.resolve("etc/ro")) & 07777,
        "a read-only directory still got its whiteout, then its mode");
    assertEquals(
        100_000L,
        Files.getLastModifiedTime(target.resolve("etc")).toMillis(),
        "times set after the whiteouts");
    assertArrayEquals(
        "y".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
        ExtendedAttributes.read(target.resolve("var")).get("trusted.overlay.opaque"));
  }
}
