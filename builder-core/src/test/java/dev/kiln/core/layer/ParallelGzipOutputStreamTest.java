package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
