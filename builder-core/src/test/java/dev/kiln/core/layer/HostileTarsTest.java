package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ResourceBound;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Small layers that claim or unpack to a lot: each ends in a clean {@link LayerFormatException}
 * within a time and memory bound, never in an OutOfMemoryError, minutes of work or a read of what
 * is not there (issue 13). Memory is what the reading thread allocates, so the bounds hold however
 * large the heap is.
 */
class HostileTarsTest {
  private static final Duration TIME = Duration.ofSeconds(20);
  private static final long MIB = 1024 * 1024;

  /** Reads every entry and its content; returns how many there were. */
  private static int readAll(byte[] blob) throws IOException {
    int n = 0;
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(blob))) {
      for (Optional<LayerEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
        try (InputStream in = e.get().content().open()) {
          in.transferTo(OutputStream.nullOutputStream());
        }
        n++;
      }
    }
    return n;
  }

  /** The message of the LayerFormatException reading {@code blob} must end in, within bounds. */
  private static String failure(byte[] blob, long maxBytes) {
    return ResourceBound.within(
        TIME,
        maxBytes,
        () -> {
          var e = assertThrows(LayerFormatException.class, () -> readAll(blob));
          assertTrue(e.getMessage().length() < 1000, e.getMessage().length() + " characters");
          return e.getMessage();
        });
  }

  @Test
  void aPaxHeaderClaimingTwoGigabytesIsRefusedUnread() {
    byte[] tar =
        new RawTar().header("PaxHeaders/x", 'x', 1L << 31, "").data(RawTar.record("a", "b")).end();
    assertEquals(
        "PAX header after '(start of archive)' is 2147483648 bytes, too large to be real",
        failure(tar, 16 * MIB));
  }

  @Test
  void aPaxSizeOfTwoGigabytesForDataThatIsNotThereEndsAsATruncatedArchive() {
    byte[] tar =
        new RawTar().pax('x', "size", String.valueOf(1L << 31)).file("big", new byte[700]).end();
    assertEquals("archive is truncated inside 'big'", failure(tar, 16 * MIB));
  }

  @Test
  void aFileClaimingEightExbibytesEndsAsATruncatedArchive() {
    byte[] base256 = new byte[12];
    base256[0] = (byte) 0x80;
    base256[4] = 0x40; // 2^62
    byte[] tar = new RawTar().headerWithSizeField("huge", '0', base256).data(new byte[512]).end();
    assertEquals("archive is truncated inside 'huge'", failure(tar, 16 * MIB));
  }

  @Test
  void aPaxTimeWithAHugeExponentIsRefusedAtOnce() {
    // BigDecimal took minutes and gigabytes to round 1e99999999 to whole seconds.
    byte[] tar = new RawTar().pax('x', "mtime", "1e99999999").file("f", new byte[] {1}).end();
    assertEquals(
        "PAX mtime '1e99999999' after '(start of archive)' is not a time", failure(tar, 16 * MIB));
  }

  /** A gzip stream, fast: the bombs are the same bytes over and over. */
  private static OutputStream gzip(ByteArrayOutputStream to) throws IOException {
    return new GZIPOutputStream(to, 1 << 16) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    };
  }

  /** {@code count} times {@code header}, then a file, gzip-compressed (about 1 KiB per MiB). */
  private static byte[] gzipBomb(byte[] header, int count) throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = gzip(gz)) {
      for (int i = 0; i < count; i++) {
        out.write(header);
      }
      out.write(new RawTar().file("f", new byte[] {1}).end());
    }
    return gz.toByteArray();
  }

  /** A PAX header of {@code type} with 1 MiB of records. */
  private static byte[] megabytePax(char type) {
    return new RawTar().pax(type, "SCHILY.xattr.user.k", "v".repeat((int) MIB - 40)).unterminated();
  }

  @Test
  void aGzipBombOfChainedPaxHeadersStopsAtTheirTotalLimit() throws IOException {
    // 100 MiB of attributes for one entry, in a blob of about 100 KiB.
    byte[] blob = gzipBomb(megabytePax('x'), 100);
    assertTrue(blob.length < 1024 * 1024, blob.length + " bytes");
    assertEquals(
        "the extended headers of the entry after '(start of archive)' add up to more than 8388608"
            + " bytes, too large to be real",
        failure(blob, 64 * MIB));
  }

  @Test
  void aGzipBombOfGlobalPaxHeadersStopsAtTheirTotalLimit() throws IOException {
    assertEquals(
        "the archive's global PAX headers add up to more than 8388608 bytes, too large to be real",
        failure(gzipBomb(megabytePax('g'), 100), 64 * MIB));
  }

  @Test
  void aGzipBombOfLongNamesStopsAtTheirTotalLimit() throws IOException {
    byte[] blob = gzipBomb(new RawTar().gnuLong('L', "n".repeat((int) MIB)).unterminated(), 100);
    assertTrue(failure(blob, 64 * MIB).startsWith("the extended headers of the entry"));
  }

  @Test
  void aHundredMegabytesOfZerosEndAtTheFirstBlock() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (OutputStream out = gzip(gz)) {
      byte[] zeros = new byte[1 << 20];
      for (int i = 0; i < 100; i++) {
        out.write(zeros);
      }
    }
    int entries = ResourceBound.within(TIME, 16 * MIB, () -> readAll(gz.toByteArray()));
    assertEquals(0, entries);
  }
}
