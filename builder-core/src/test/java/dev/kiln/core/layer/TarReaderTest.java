package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@link TarReader} on its own: what its headers promise whoever reads them, not only through
 * {@link LayerReader}, whose entry checks would otherwise hide a header that breaks them.
 */
class TarReaderTest {
  @Test
  void aNegativePaxSizeIsRefusedBeforeTheContentStreamTakesItAsALength() {
    // Found by TarReaderFuzzTest (seed layer-tar/pax-negative-size.tar): the header came back with
    // size -5, and reading its content asked the stream for a negative number of bytes.
    byte[] tar = new RawTar().pax('x', "size", "-5").file("f", new byte[0]).end();
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    var e = assertThrows(LayerFormatException.class, reader::next);
    assertEquals("'f' has a negative size (-5)", e.getMessage());
  }

  @Test
  void aDeviceNumberBeyondAnIntIsRefusedRatherThanCutToAnotherDevice() {
    // 2^32 + 1 cut to an int is 1: the layer would have made character device 1,0.
    byte[] tar =
        new RawTar().pax('x', "SCHILY.devmajor", "4294967297").header("dev/x", '3', 0, "").end();
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(tar))) {
      var e = assertThrows(LayerFormatException.class, reader::next);
      assertEquals("device 'dev/x' has a device number out of range (4294967297)", e.getMessage());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void deviceNumbersOfAnEntryThatIsNotADeviceAreIgnored() throws IOException {
    byte[] tar =
        new RawTar()
            .pax('x', "SCHILY.devmajor", "4294967297", "SCHILY.devminor", "-1")
            .file("f", new byte[] {'x'})
            .end();
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(tar))) {
      Optional<LayerEntry> entry = reader.next();
      assertEquals(
          "REGULAR f mode=0644 0:0 size=1 mtime=1700000000", entry.orElseThrow().toString());
    }
  }

  @Test
  void aPaxRecordWhoseLengthIsZeroIsMalformed() throws IOException {
    // Found by TarReaderFuzzTest in a 300 s run (layer-tar/pax-record-length-zero.tar): the record
    // "0 path=abc" made the reader look for its newline before the start of the header's data, an
    // ArrayIndexOutOfBoundsException that any layer blob could raise through LayerReader.
    byte[] records = "0 path=abc\n".getBytes(StandardCharsets.US_ASCII);
    byte[] tar =
        new RawTar()
            .header("PaxHeaders/x", 'x', records.length, "")
            .data(records)
            .file("f", new byte[0])
            .end();
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(tar))) {
      var e = assertThrows(LayerFormatException.class, reader::next);
      assertEquals("malformed PAX record in the header after '(start of archive)'", e.getMessage());
    }
  }
}
