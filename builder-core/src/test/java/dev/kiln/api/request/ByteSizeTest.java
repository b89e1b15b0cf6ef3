package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Docker's size syntax for --shm-size: binary units, optional fraction, optional i and b. */
class ByteSizeTest {
  @Test
  void binaryUnits() {
    assertEquals(4096, ByteSize.parse("4096", "--shm-size"));
    assertEquals(64L << 20, ByteSize.parse("64m", "--shm-size"));
    assertEquals(64L << 20, ByteSize.parse("64MB", "--shm-size"));
    assertEquals(2L << 30, ByteSize.parse("2GiB", "--shm-size"));
    assertEquals(3L << 29, ByteSize.parse("1.5g", "--shm-size"));
    assertEquals(512, ByteSize.parse("512b", "--shm-size"));
  }

  @Test
  void refusesWhatIsNotASize() {
    RequestException e =
        assertThrows(RequestException.class, () -> ByteSize.parse("lots", "--shm-size"));
    assertEquals("--shm-size lots: not a size", e.getMessage());
    assertThrows(RequestException.class, () -> ByteSize.parse("-1m", "--shm-size"));
    assertThrows(RequestException.class, () -> ByteSize.parse("64x", "--shm-size"));
    assertThrows(RequestException.class, () -> ByteSize.parse("99999999p", "--shm-size"));
  }
}
