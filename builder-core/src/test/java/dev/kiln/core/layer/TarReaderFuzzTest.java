package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.registry.model.Compression;
import dev.kiln.testdata.ResourceBound;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Any bytes as an uncompressed tar through {@link TarReader} itself, below {@link LayerReader}: the
 * layer target stops at the first name that leaves the root, this one reads on, so headers after
 * such names are reached too. The only failure allowed is a {@link LayerFormatException} with a
 * short message. Every header has a type kiln knows, a mode within {@code 07777}, a size that is
 * not negative (0 for a type without data), device numbers not negative (0 for a type that is not a
 * device), names within {@link TarReader#MAX_NAME_BYTES}; contents start on a block boundary after
 * the previous entry's and read exactly their size or fail; allocation is in proportion to the tar.
 *
 * <p>Then the round trip kiln makes when it copies layers: the entries {@link LayerReader} accepts
 * (up to its failure, if any), written back by {@link TarWriter}, read back as the same entries
 * with the same contents.
 */
class TarReaderFuzzTest {
  /** Allocation allowed whatever the input: buffers, Jazzer's own hooks. */
  static final long FIXED_ALLOCATION = 16L << 20;

  /** Allocation allowed per byte of tar. */
  static final long ALLOCATION_PER_BYTE = 64;

  static final int MAX_MESSAGE = 2048;

  private static final int BLOCK = 512;

  @FuzzTest(maxDuration = "20s", maxExecutions = 3_000)
  // Dictionary entries are written into libFuzzer's dictionary as they are: \x0a is a newline.
  @DictionaryEntries({"ustar\\x00", "00", "ustar  \\x00", " path=", " linkpath=", " size="})
  @DictionaryEntries({" mtime=", " uid=", " gid=", " SCHILY.xattr.", " SCHILY.devmajor="})
  @DictionaryEntries({"././@LongLink", "../", "/", "\\x0a", "0000644\\x00", "\\x80\\x00\\x00"})
  void readTar(byte[] tar) throws Exception {
    ResourceBound.allocatingAtMost(
        FIXED_ALLOCATION + ALLOCATION_PER_BYTE * tar.length, () -> readHeaders(tar));
    // A compressed blob is the layer target's; here it could inflate to any size in memory.
    if (Compression.detect(tar, tar.length) == Compression.NONE) {
      assertRoundTrip(tar);
    }
  }

  /** Reads every header and, for every other entry, its content; returns the header count. */
  private static int readHeaders(byte[] tar) throws IOException {
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    long endOfLast = 0;
    int n = 0;
    try {
      for (TarReader.Header h = reader.next(); h != null; h = reader.next()) {
        assertHeader(h);
        long offset = reader.dataOffset();
        assertEquals(0, offset % BLOCK, "data offset " + offset + " is not on a block boundary");
        assertTrue(offset >= endOfLast + BLOCK, "data offset " + offset + " overlaps the last");
        assertTrue(offset <= tar.length, "data offset " + offset + " past the end of the tar");
        if (n++ % 2 == 0) {
          try (InputStream content = reader.content()) {
            assertEquals(h.size(), content.transferTo(OutputStream.nullOutputStream()), "content");
          }
        }
        endOfLast = offset + h.size();
      }
    } catch (LayerFormatException e) {
      assertTrue(e.getMessage().length() <= MAX_MESSAGE, e.getMessage().length() + " characters");
    }
    return n;
  }

  private static void assertHeader(TarReader.Header h) {
    assertTrue("0123456".indexOf(h.type()) >= 0, "type '" + h.type() + "'");
    assertEquals(0, h.mode() & ~07777, "mode bits outside 07777");
    assertTrue(h.size() >= 0, "negative size");
    if (h.type() != '0') {
      assertEquals(0, h.size(), "size of a type-" + h.type() + " entry");
    }
    if (h.type() == '3' || h.type() == '4') {
      assertTrue(h.devMajor() >= 0 && h.devMinor() >= 0, "negative device number");
    } else {
      assertEquals(0, h.devMajor() | h.devMinor(), "device numbers of a type-" + h.type());
    }
    assertNameLength(h.name());
    assertNameLength(h.linkName());
    h.xattrs().keySet().forEach(TarReaderFuzzTest::assertNameLength);
  }

  private static void assertNameLength(String name) {
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    assertTrue(bytes <= TarReader.MAX_NAME_BYTES, "a name of " + bytes + " bytes");
  }

  /** What LayerReader accepts, written by TarWriter, reads back as itself. */
  private static void assertRoundTrip(byte[] tar) throws IOException {
    List<LayerEntry> entries = new ArrayList<>();
    List<byte[]> contents = new ArrayList<>();
    readEntries(tar, entries, contents);
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    TarWriter writer = new TarWriter(written);
    for (int i = 0; i < entries.size(); i++) {
      LayerEntry e = entries.get(i);
      if (e.type() == EntryType.REGULAR) {
        e = e.withContent(e.size(), ContentSource.ofBytes(contents.get(i)));
      }
      writer.write(e, e.mtime());
    }
    writer.finish();
    List<LayerEntry> again = new ArrayList<>();
    List<byte[]> againContents = new ArrayList<>();
    String failure = readEntries(written.toByteArray(), again, againContents);
    assertEquals(null, failure, "reading back what TarWriter wrote");
    assertEquals(entries, again, "entries read back");
    for (int i = 0; i < contents.size(); i++) {
      assertArrayEquals(contents.get(i), againContents.get(i), "content of " + entries.get(i));
    }
  }

  /** Collects entries and their contents up to the end or the failure, which it returns. */
  private static String readEntries(byte[] tar, List<LayerEntry> entries, List<byte[]> contents)
      throws IOException {
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(tar))) {
      for (Optional<LayerEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
        byte[] content;
        try (InputStream in = e.get().content().open()) {
          content = in.readAllBytes();
        }
        entries.add(e.get());
        contents.add(content);
      }
    } catch (LayerFormatException e) {
      return e.getMessage();
    }
    return null;
  }
}
