package dev.kiln.core.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kiln.core.fs.LayerIndex;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.testdata.ResourceBound;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Any bytes as a stored layer index through {@link LayerIndex#read}, the file kiln keeps per diffID
 * and trusts on every later build. A damaged file must end in an {@link IOException} (the caller
 * then indexes the layer again), never in another exception or an allocation that a count in the
 * file asks for; an index that reads has canonical paths and offsets, and writes back to an index
 * that reads the same.
 */
class LayerIndexFuzzTest {
  @FuzzTest(maxDuration = "20s", maxExecutions = 50_000)
  void readIndex(byte[] bytes) throws Exception {
    LayerIndex index =
        ResourceBound.allocatingAtMost(
            LayerReaderFuzzTest.FIXED_ALLOCATION
                + LayerReaderFuzzTest.ALLOCATION_PER_BYTE * bytes.length,
            () -> {
              try {
                return LayerIndex.read(new ByteArrayInputStream(bytes));
              } catch (IOException e) {
                assertTrue(String.valueOf(e.getMessage()).length() <= 2048, "message too long");
                return null;
              }
            });
    if (index == null) {
      return;
    }
    for (int i = 0; i < index.size(); i++) {
      LayerEntry e = index.header(i);
      LayerReaderFuzzTest.assertCanonical(e.path());
      if (e.type() == EntryType.HARDLINK) {
        LayerReaderFuzzTest.assertCanonical(e.linkTarget());
      }
      assertTrue(index.dataOffset(i) >= 0, "negative data offset " + index.dataOffset(i));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    index.write(out);
    LayerIndex again = LayerIndex.read(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(index.size(), again.size());
    for (int i = 0; i < index.size(); i++) {
      assertEquals(index.header(i), again.header(i));
      assertEquals(index.dataOffset(i), again.dataOffset(i));
    }
  }
}
