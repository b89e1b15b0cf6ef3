package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Compression;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;

class LayerReaderTest {
  private static byte[] layer(List<LayerEntry> entries, Compression compression)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerWriter.writeTo(
        out,
        new LayerTree().addAll(entries).entries(),
        LayerOptions.defaults().withCompression(compression));
    return out.toByteArray();
  }

  /** Every entry with its content read while the reader is on it. */
  private static Map<LayerEntry, byte[]> readAll(byte[] blob) throws IOException {
    Map<LayerEntry, byte[]> result = new java.util.LinkedHashMap<>();
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(blob))) {
      Optional<LayerEntry> e;
      while ((e = reader.next()).isPresent()) {
        try (InputStream in = e.get().content().open()) {
          result.put(e.get(), in.readAllBytes());
        }
      }
    }
    return result;
  }

  @Test
  void everyEntryTypeRoundTripsThroughEveryCompression() throws IOException {
    List<LayerEntry> expected = new LayerTree().addAll(SampleEntries.everything()).entries();
    for (Compression compression : Compression.values()) {
      byte[] blob = layer(SampleEntries.everything(), compression);
      try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(blob))) {
        assertEquals(compression, reader.compression());
      }
      Map<LayerEntry, byte[]> read = readAll(blob);
      assertEquals(expected, new ArrayList<>(read.keySet()), compression.toString());
      for (LayerEntry e : expected) {
        byte[] content;
        try (InputStream in = e.content().open()) {
          content = in.readAllBytes();
        }
        assertArrayEquals(content, read.get(e), e.path());
      }
    }
  }

  @Test
  void binaryXattrValuesSurviveByteForByte() throws IOException {
    LayerEntry file =
        LayerEntry.regularFile("bin/tool", 0755, 0, 0, 0, new byte[] {1})
            .withXattrs(
                Map.of(
                    "security.capability", SampleEntries.CAPABILITY,
                    "user.binary", SampleEntries.BINARY,
                    "user.empty", new byte[0]));
    LayerEntry read = readAll(layer(List.of(file), Compression.GZIP)).keySet().iterator().next();
    assertArrayEquals(SampleEntries.CAPABILITY, read.xattrs().get("security.capability"));
    assertArrayEquals(SampleEntries.BINARY, read.xattrs().get("user.binary"));
    assertArrayEquals(new byte[0], read.xattrs().get("user.empty"));
    assertEquals(file, read);
  }

  @Test
  void contentCanOnlyBeReadWhileTheReaderIsOnItsEntry() throws IOException {
    byte[] blob =
        layer(
            List.of(
                LayerEntry.regularFile("a", 0644, 0, 0, 0, new byte[] {1}),
                LayerEntry.regularFile("b", 0644, 0, 0, 0, new byte[] {2})),
            Compression.NONE);
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(blob))) {
      LayerEntry a = reader.next().orElseThrow();
      LayerEntry b = reader.next().orElseThrow();
      assertThrows(IllegalStateException.class, () -> a.content().open());
      assertArrayEquals(new byte[] {2}, b.content().open().readAllBytes());
      assertThrows(IllegalStateException.class, () -> b.content().open(), "single use");
      assertEquals(Optional.empty(), reader.next());
    }
  }

  /** A tar written by commons-compress, which lets a test put any name in a header. */
  private static byte[] foreignTar(int longFileMode, int bigNumberMode, TarArchiveEntry... entries)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(longFileMode);
      tar.setBigNumberMode(bigNumberMode);
      for (TarArchiveEntry e : entries) {
        tar.putArchiveEntry(e);
        if (e.getSize() > 0) {
          tar.write(new byte[(int) e.getSize()]);
        }
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private static TarArchiveEntry file(String name, long size) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(size);
    return e;
  }

  @Test
  void gnuLongNamesBase256NumbersAndDotSlashPrefixesAreRead() throws IOException {
    String longName = "./" + "n".repeat(150) + "/" + "m".repeat(120);
    TarArchiveEntry big = file("./big-owner", 3);
    big.setUserId(1L << 40);
    big.setGroupId(5);
    TarArchiveEntry root = new TarArchiveEntry("./", true);
    byte[] tar =
        foreignTar(
            TarArchiveOutputStream.LONGFILE_GNU,
            TarArchiveOutputStream.BIGNUMBER_STAR,
            root,
            file(longName, 2),
            big);
    List<LayerEntry> entries = new ArrayList<>(readAll(tar).keySet());
    assertEquals(2, entries.size(), "the root entry ./ is skipped");
    assertEquals(longName.substring(2), entries.get(0).path());
    assertEquals(2, entries.get(0).size());
    assertEquals("big-owner", entries.get(1).path());
    assertEquals(1L << 40, entries.get(1).uid());
  }

  @Test
  void aGzipStreamOfSeveralMembersIsReadWhole() throws IOException {
    byte[] tar =
        layer(
            List.of(
                LayerEntry.regularFile("x", 0644, 0, 0, 0, new byte[3000]),
                LayerEntry.regularFile("y", 0644, 0, 0, 0, new byte[] {9})),
            Compression.NONE);
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    for (int[] part : new int[][] {{0, 700}, {700, tar.length}}) {
      try (GZIPOutputStream member = new GZIPOutputStream(new NonClosing(gz))) {
        member.write(Arrays.copyOfRange(tar, part[0], part[1]));
      }
    }
    assertEquals(
        List.of("x", "y"),
        readAll(gz.toByteArray()).keySet().stream().map(LayerEntry::path).toList());
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(java.io.OutputStream out) {
      super(out);
    }

    @Override
    public void close() {}
  }

  @Test
  void namesThatLeaveTheRootAreRefusedNamingTheEntry() throws IOException {
    Map<String, TarArchiveEntry> hostile = new HashMap<>();
    hostile.put("../escape", file("../escape", 1));
    hostile.put("a/../../escape", file("a/../../escape", 1));
    hostile.put("/etc/passwd", file("/etc/passwd", 1));
    TarArchiveEntry link = new TarArchiveEntry("innocent", TarConstants.LF_LINK, true);
    link.setLinkName("../../etc/shadow");
    hostile.put("innocent", link);
    TarArchiveEntry absLink = new TarArchiveEntry("innocent2", TarConstants.LF_LINK, true);
    absLink.setLinkName("/etc/shadow");
    hostile.put("innocent2", absLink);
    for (Map.Entry<String, TarArchiveEntry> h : hostile.entrySet()) {
      byte[] tar =
          foreignTar(
              TarArchiveOutputStream.LONGFILE_POSIX,
              TarArchiveOutputStream.BIGNUMBER_POSIX,
              file("fine", 1),
              h.getValue());
      var e = assertThrows(UnsafeLayerEntryException.class, () -> readAll(tar), h.getKey());
      assertEquals(h.getKey(), e.entryName());
      assertTrue(e.getMessage().contains("'" + h.getKey() + "'"), e.getMessage());
    }
  }

  @Test
  void corruptOrTruncatedLayersFailWithALayerFormatException() throws IOException {
    byte[] tar = layer(SampleEntries.everything(), Compression.NONE);
    byte[] corrupt = tar.clone();
    corrupt[512 * 3 + 10] ^= 0x55; // inside some header or content
    byte[] badHeader = tar.clone();
    badHeader[0] ^= 0x01; // first header's name: checksum no longer matches
    var e = assertThrows(LayerFormatException.class, () -> readAll(badHeader));
    assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    byte[] truncated = Arrays.copyOf(tar, 512 * 5 + 100);
    assertThrows(LayerFormatException.class, () -> readAll(truncated));
    byte[] gz = layer(SampleEntries.everything(), Compression.GZIP);
    byte[] badGzip = gz.clone();
    badGzip[gz.length / 2] ^= 0x7f;
    assertThrows(LayerFormatException.class, () -> readAll(badGzip));
  }

  @Test
  void nonUtf8NamesAreRefusedRatherThanRenamed() throws IOException {
    byte[] tar =
        layer(List.of(LayerEntry.regularFile("abc", 0644, 0, 0, 0, new byte[0])), Compression.NONE);
    tar[1] = (byte) 0xe9; // "a\xe9c": Latin-1, invalid UTF-8
    int sum = 0;
    for (int i = 0; i < 512; i++) {
      sum += (i >= 148 && i < 156) ? ' ' : tar[i] & 0xff;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, tar, 148, 8);
    var e = assertThrows(LayerFormatException.class, () -> readAll(tar));
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  private static LayerEntry only(byte[] tar) throws IOException {
    List<LayerEntry> entries = new ArrayList<>(readAll(tar).keySet());
    assertEquals(1, entries.size());
    return entries.get(0);
  }

  @Test
  void paxTimesAreDecimalSecondsRoundedTowardNegativeInfinity() throws IOException {
    Map<String, Long> times =
        Map.of(
            "1700000000", 1_700_000_000L,
            "1700000000.999999999", 1_700_000_000L,
            "-1.5", -2L,
            "-1.000", -1L,
            "-0.25", -1L,
            "+7", 7L,
            "12.", 12L);
    for (Map.Entry<String, Long> t : times.entrySet()) {
      byte[] tar = new RawTar().pax('x', "mtime", t.getKey()).file("f", new byte[] {1}).end();
      assertEquals(t.getValue(), only(tar).mtime(), t.getKey());
    }
  }

  @Test
  void paxTimesWithAnExponentOrOutOfRangeAreRefused() {
    for (String time :
        List.of(
            "1e3",
            "1e99999999",
            "1.5e3",
            "0x10",
            "",
            ".5",
            "--1",
            "1.5.5",
            "99999999999999999999")) {
      byte[] tar = new RawTar().pax('x', "mtime", time).file("f", new byte[] {1}).end();
      var e = assertThrows(LayerFormatException.class, () -> readAll(tar), time);
      assertTrue(e.getMessage().startsWith("PAX mtime '" + time + "' after "), e.getMessage());
    }
  }

  @Test
  void aDamagedGzipOrZstdStreamFailsAsALayerFormatExceptionNamingTheCompression()
      throws IOException {
    for (Compression compression : List.of(Compression.GZIP, Compression.ZSTD)) {
      byte[] blob = layer(SampleEntries.everything(), compression);
      byte[] truncated = Arrays.copyOf(blob, blob.length / 2);
      var e = assertThrows(LayerFormatException.class, () -> readAll(truncated));
      assertTrue(
          e.getMessage().startsWith("the layer's " + compression.label() + " stream is corrupt"),
          e.getMessage());
      byte[] notCompressedAfterAll = Arrays.copyOf(blob, 10);
      assertThrows(LayerFormatException.class, () -> readAll(notCompressedAfterAll));
    }
  }

  @Test
  void aFailureToReadTheBlobItselfIsNotBlamedOnTheLayer() throws IOException {
    byte[] blob = layer(SampleEntries.everything(), Compression.GZIP);
    IOException diskGone = new IOException("disk gone");
    InputStream failing =
        new java.io.SequenceInputStream(
            new ByteArrayInputStream(Arrays.copyOf(blob, blob.length / 2)),
            new InputStream() {
              @Override
              public int read() throws IOException {
                throw diskGone;
              }
            });
    IOException e =
        assertThrows(
            IOException.class,
            () -> {
              try (LayerReader reader = LayerReader.open(failing)) {
                while (reader.next().isPresent()) {
                  // read to the end
                }
              }
            });
    assertEquals(diskGone, e);
  }

  @Test
  void namesLongerThanAnyFileSystemAllowsAreRefusedWithAShortMessage() throws IOException {
    String longPath = "d/".repeat(20_000) + "f";
    for (byte[] tar :
        List.of(
            new RawTar().pax('x', "path", longPath).file("f", new byte[] {1}).end(),
            new RawTar().gnuLong('L', longPath).file("f", new byte[] {1}).end(),
            new RawTar().pax('x', "linkpath", longPath).header("l", '2', 0, "").end(),
            new RawTar()
                .pax('x', "SCHILY.xattr.user." + "a".repeat(40_000), "v")
                .file("f", new byte[] {1})
                .end())) {
      var e = assertThrows(LayerFormatException.class, () -> readAll(tar));
      assertTrue(e.getMessage().contains("longer than any file system allows"), e.getMessage());
      assertTrue(e.getMessage().length() < 600, e.getMessage().length() + " characters");
    }
    // Just below the limit is a name like any other.
    String fits = "d/".repeat(16_000) + "f";
    byte[] tar = new RawTar().pax('x', "path", fits).file("f", new byte[] {1}).end();
    assertEquals(fits, only(tar).path());
  }

  @Test
  void refusalsQuoteOnlyTheStartOfALongName() throws IOException {
    String hostile = "a/".repeat(5_000) + "../../x";
    byte[] tar = new RawTar().pax('x', "path", hostile).file("f", new byte[] {1}).end();
    var e = assertThrows(UnsafeLayerEntryException.class, () -> readAll(tar));
    assertEquals(hostile, e.entryName());
    assertTrue(e.getMessage().contains("(10007 characters)"), e.getMessage());
    assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters");
  }
}
