package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobDiffIdsTest {
  @TempDir Path tmp;

  private static final Digest BLOB = Digest.sha256("compressed".getBytes(StandardCharsets.UTF_8));
  private static final Digest DIFF_ID = Digest.sha256("tar".getBytes(StandardCharsets.UTF_8));

  @Test
  void aRecordedFactIsFoundByAnotherReaderOfTheStore() throws Exception {
    new BlobDiffIds(new StorePaths(tmp)).record(BLOB, DIFF_ID);

    assertEquals(Optional.of(DIFF_ID), new BlobDiffIds(new StorePaths(tmp)).find(BLOB));
    assertEquals(Optional.empty(), new BlobDiffIds(new StorePaths(tmp)).find(DIFF_ID));
    try (var left = Files.list(new StorePaths(tmp).blobDiffId(BLOB).getParent())) {
      assertEquals(1, left.count(), "no temp file left beside the fact");
    }
  }

  @Test
  void anUncompressedBlobNeedsNoFact() throws Exception {
    new BlobDiffIds(new StorePaths(tmp)).record(DIFF_ID, DIFF_ID);

    assertFalse(Files.exists(new StorePaths(tmp).blobDiffId(DIFF_ID)));
  }

  @Test
  void aTornOrEmptyFactReadsAsNoFact() throws Exception {
    Path file = new StorePaths(tmp).blobDiffId(BLOB);
    Files.createDirectories(file.getParent());
    String whole = DIFF_ID + "\n";
    for (String torn : new String[] {"", whole.substring(0, 40), "\0\0\0\0"}) {
      Files.writeString(file, torn);
      assertEquals(Optional.empty(), new BlobDiffIds(new StorePaths(tmp)).find(BLOB), torn);
    }
  }
}
