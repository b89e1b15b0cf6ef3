package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ParallelGzipOutputStreamTest {
  private static final int BLOCK = ParallelGzipOutputStream.BLOCK_SIZE;

  private static byte[] gzip(byte[] data, int threads, int chunk) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, threads)) {
      for (int i = 0; i < data.length; i += chunk) {
        gz.write(data, i, Math.min(chunk, data.length - i));
      }
    }
    return out.toByteArray();
  }

  @Test
  void blockBoundariesRoundTripAndGiveTheSameBytesForAnyThreadsAndWriteSizes() throws IOException {
    for (int size : new int[] {0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 5 * BLOCK + 77}) {
      byte[] data = TextLikeContent.generate(size, size);
      byte[] reference = gzip(data, 1, 8192);
      for (int threads : new int[] {2, 5}) {
        assertArrayEquals(
            reference, gzip(data, threads, 8192), "size " + size + " threads " + threads);
      }
      assertArrayEquals(reference, gzip(data, 3, 1000), "size " + size + " with odd write sizes");
      try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(reference))) {
        assertArrayEquals(data, in.readAllBytes(), "size " + size);
      }
    }
  }

  @Test
  void singleByteWritesWork() throws IOException {
    byte[] data = TextLikeContent.generate(1000, 9);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ParallelGzipOutputStream gz = new ParallelGzipOutputStream(out, 6, 2)) {
      for (byte b : data) {
        gz.write(b);
      }
    }
    assertArrayEquals(gzip(data, 1, 8192), out.toByteArray());
  }

  @Test
  void writingAfterCloseFails() throws IOException {
    ParallelGzipOutputStream gz = new ParallelGzipOutputStream(new ByteArrayOutputStream(), 6, 2);
    gz.close();
    assertThrows(IOException.class, () -> gz.write(1));
  }

  @Test
  void incompressibleBlocksAreStoredAndStillOneValidGzipStream() throws Exception {
    byte[] random = new byte[3 * BLOCK + 1234];
    new java.util.Random(42).nextBytes(random);
    byte[] text = TextLikeContent.generate(2 * BLOCK, 7);
    // random, then text, then random again: stored, deflated (primed with stored bytes), stored.
    byte[] data = new byte[random.length * 2 + text.length];
    System.arraycopy(random, 0, data, 0, random.length);
    System.arraycopy(text, 0, data, random.length, text.length);
    System.arraycopy(random, 0, data, random.length + text.length, random.length);

    byte[] one = gzip(data, 1, 8192);
    assertArrayEquals(one, gzip(data, 3, 5000), "the same bytes for any number of threads");
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(one))) {
      assertArrayEquals(data, in.readAllBytes());
    }
    // Stored: the random parts cost their size plus 5 bytes per 64 KiB; the text still shrinks.
    long storedOverhead = 5L * (2 * random.length / 65535 + 8);
    long textBudget = text.length / 2;
    assertTrue(
        one.length <= 2L * random.length + storedOverhead + textBudget,
        "random stored, text compressed: " + one.length + " bytes for " + data.length);
    assertTrue(one.length > 2L * random.length, "random data cannot shrink: " + one.length);
    // kiln's own stored block right after the 10-byte gzip header: not final, LEN 65535, NLEN 0,
    // then the input verbatim (zlib at level 6 would have cut its blocks elsewhere).
    assertArrayEquals(
        new byte[] {0, (byte) 0xff, (byte) 0xff, 0, 0}, java.util.Arrays.copyOfRange(one, 10, 15));
    assertArrayEquals(
        java.util.Arrays.copyOfRange(random, 0, 65535),
        java.util.Arrays.copyOfRange(one, 15, 15 + 65535));

    // The machine's gzip agrees that the stream is whole and correct.
    java.nio.file.Path file = java.nio.file.Files.createTempFile("kiln-stored-", ".gz");
    try {
      java.nio.file.Files.write(file, one);
      Process test = new ProcessBuilder("gzip", "-t", file.toString()).inheritIO().start();
      assertEquals(0, test.waitFor(), "gzip -t");
    } finally {
      java.nio.file.Files.deleteIfExists(file);
    }
  }

  @Test
  void aStreamEndingInAStoredBlockIsFinished() throws IOException {
    byte[] random = new byte[BLOCK + ParallelGzipOutputStream.PROBE_SIZE];
    new java.util.Random(7).nextBytes(random);
    byte[] gz = gzip(random, 2, 8192);
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      assertArrayEquals(random, in.readAllBytes());
    }
  }
}
