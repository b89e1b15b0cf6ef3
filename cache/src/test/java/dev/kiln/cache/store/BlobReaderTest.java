package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobReaderTest {
  @TempDir Path root;

  @Test
  void verifiedReadFailsAtTheEndWhenTheFileWasDamagedOnDisk() throws IOException {
    ContentStore store = ContentStore.open(root);
    byte[] content = "important layer bytes".getBytes(StandardCharsets.UTF_8);
    Digest digest = store.blobWriter().write(content).digest();
    byte[] damaged = content.clone();
    damaged[3] ^= 1;
    Files.write(store.paths().blob(digest), damaged);

    try (InputStream raw = store.blobReader().open(digest)) {
      assertArrayEquals(damaged, raw.readAllBytes(), "unverified reads trust the file");
    }
    var e = assertThrows(BlobVerificationException.class, () -> store.blobReader().verify(digest));
    assertEquals(digest, e.expected());
    assertTrue(e.getMessage().contains("does not match"), e.getMessage());
  }

  @Test
  void missingBlobIsReportedWithItsDigestAndTheStore() throws IOException {
    ContentStore store = ContentStore.open(root);
    Digest digest = Digest.sha256(new byte[] {1});
    assertFalse(store.blobReader().contains(digest));
    assertEquals(OptionalLong.empty(), store.blobReader().size(digest));
    var e = assertThrows(BlobNotFoundException.class, () -> store.blobReader().open(digest));
    assertTrue(e.getMessage().contains(digest.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(root.toString()), e.getMessage());
  }

  @Test
  void verifyingStreamRejectsLongerAndShorterContent() throws IOException {
    byte[] content = "abcdef".getBytes(StandardCharsets.UTF_8);
    Digest digest = Digest.sha256(content);
    try (var in = new VerifyingInputStream(new ByteArrayInputStream(content), digest, 6)) {
      assertArrayEquals(content, in.readAllBytes());
    }
    var tooLong =
        assertThrows(
            BlobVerificationException.class,
            () ->
                new VerifyingInputStream(new ByteArrayInputStream(content), digest, 5)
                    .readAllBytes());
    assertTrue(tooLong.getMessage().contains("longer"), tooLong.getMessage());
    var tooShort =
        assertThrows(
            BlobVerificationException.class,
            () ->
                new VerifyingInputStream(new ByteArrayInputStream(content), digest, 7)
                    .readAllBytes());
    assertTrue(tooShort.getMessage().contains("truncated"), tooShort.getMessage());
    // Skipping still hashes: a skip to the end verifies, and succeeds for the right content.
    try (var in = new VerifyingInputStream(new ByteArrayInputStream(content), digest, -1)) {
      assertEquals(6, in.skip(100));
      assertEquals(-1, in.read());
    }
  }
}
