package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ObservedInputStreamTest {

  /** Records every byte read through it, as a hashing or storing stream would. */
  private static final class Recording extends ObservedInputStream {
    final ByteArrayOutputStream seen = new ByteArrayOutputStream();

    Recording(InputStream in) {
      super(in, 3);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        seen.write(b, off, n);
      }
      return n;
    }

    @Override
    protected String observing() {
      return "recording";
    }
  }

  @Test
  void aSkipReadsEveryByteItSkipsInBoundedChunks() throws IOException {
    byte[] data = "0123456789".getBytes();
    try (Recording in = new Recording(new ByteArrayInputStream(data))) {
      assertEquals(7, in.skip(7));
      assertEquals(3, in.skip(100), "a skip past the end stops there");
      assertEquals(0, in.skip(5));
      assertArrayEquals(data, in.seen.toByteArray());
    }
  }

  @Test
  void thereIsNoMarkToGoBackTo() throws IOException {
    try (Recording in = new Recording(new ByteArrayInputStream(new byte[4]))) {
      assertFalse(in.markSupported());
      in.mark(10);
      IOException e = assertThrows(IOException.class, in::reset);
      assertEquals("mark/reset is not supported while recording", e.getMessage());
    }
  }
}
