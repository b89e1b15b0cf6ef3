package dev.kiln.cache.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlobWriterTest {
  @TempDir Path root;

  private static byte[] randomBytes(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private List<Path> filesIn(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    }
  }

  @Test
  void storesContentUnderItsSha256AndReadsItBack() throws IOException {
    ContentStore store = ContentStore.open(root);
    byte[] content = randomBytes(300_000, 1);
    StoredBlob blob = store.blobWriter().write(new ByteArrayInputStream(content));

    assertEquals(Digest.sha256(content), blob.digest());
    assertEquals(content.length, blob.size());
    assertFalse(blob.alreadyPresent());
    assertEquals(
        store.paths().blob(blob.digest()), root.resolve("blobs/sha256/" + blob.digest().hex()));
    try (var in = store.blobReader().openVerified(blob.digest())) {
      assertArrayEquals(content, in.readAllBytes());
    }
    assertEquals(List.of(store.paths().blob(blob.digest())), filesIn(root.resolve("blobs/sha256")));
  }

  @Test
  void aStreamIsCopiedInLargeReadsSoADownloadMakesFewSocketReads() throws IOException {
    ContentStore store = ContentStore.open(root);
    byte[] content = randomBytes(1_000_000, 3);
    List<Integer> asked = new ArrayList<>();
    // A plain stream, like a socket's: ByteArrayInputStream would hand all its bytes over at once.
    InputStream in =
        new FilterInputStream(new ByteArrayInputStream(content)) {
          @Override
          public int read(byte[] b, int off, int len) throws IOException {
            asked.add(len);
            return super.read(b, off, len);
          }
        };
    store.blobWriter().write(in, Digest.sha256(content), content.length);
    assertFalse(asked.isEmpty());
    assertTrue(
        asked.stream().allMatch(len -> len >= 64 * 1024),
        "every read asks for 64 KiB or more: " + asked);
  }

  @Test
  void mixedSmallAndLargeWritesHashTheSameAsOneWrite() throws IOException {
    ContentStore store = ContentStore.open(root);
    byte[] content = randomBytes(400_000, 2);
    StoredBlob blob;
    try (PendingBlob pending = store.blobWriter().begin()) {
      pending.write(content[0]);
      pending.write(content, 1, 10);
      pending.write(content, 11, 200_000);
      pending.write(content, 200_011, content.length - 200_011);
      assertEquals(content.length, pending.size());
      blob = pending.commit();
    }
    assertEquals(Digest.sha256(content), blob.digest());
    assertArrayEquals(content, store.blobReader().readAllBytes(blob.digest()));
  }

  @Test
  void wrongDigestOrSizePublishesNothingAndLeavesNoTempFile() throws IOException {
    ContentStore store = ContentStore.open(root);
    byte[] content = "hello".getBytes(StandardCharsets.UTF_8);
    Digest other = Digest.sha256("bye".getBytes(StandardCharsets.UTF_8));

    var wrongDigest =
        assertThrows(
            BlobVerificationException.class,
            () -> store.blobWriter().write(new ByteArrayInputStream(content), other, 5));
    assertTrue(wrongDigest.getMessage().contains(other.toString()), wrongDigest.getMessage());
    Digest right = Digest.sha256(content);
    var wrongSize =
        assertThrows(
            BlobVerificationException.class,
            () -> store.blobWriter().write(new ByteArrayInputStream(content), right, 6));
    assertTrue(wrongSize.getMessage().contains("5 bytes, expected 6"), wrongSize.getMessage());

    assertEquals(List.of(), filesIn(root.resolve("blobs/sha256")));
    assertFalse(store.blobReader().contains(other));
    assertFalse(store.blobReader().contains(right));

    StoredBlob ok = store.blobWriter().write(new ByteArrayInputStream(content), right, 5);
    assertEquals(right, ok.digest());
  }

  @Test
  void closingWithoutCommitAbandonsTheBlob() throws IOException {
    ContentStore store = ContentStore.open(root);
    try (PendingBlob pending = store.blobWriter().begin()) {
      pending.write(randomBytes(1000, 3));
      assertEquals(1, filesIn(root.resolve("blobs/sha256")).size());
    }
    assertEquals(List.of(), filesIn(root.resolve("blobs/sha256")));
  }

  @Test
  void secondWriterOfTheSameContentKeepsTheExistingFile() throws IOException {
    ContentStore store = ContentStore.open(root);
    byte[] content = randomBytes(5000, 4);
    StoredBlob first = store.blobWriter().write(content);
    Path file = store.paths().blob(first.digest());
    Object inode = Files.readAttributes(file, "unix:ino").get("ino");

    StoredBlob second = store.blobWriter().write(content);

    assertTrue(second.alreadyPresent());
    assertEquals(first.digest(), second.digest());
    assertEquals(inode, Files.readAttributes(file, "unix:ino").get("ino"));
    assertEquals(List.of(file), filesIn(root.resolve("blobs/sha256")));
  }

  @Test
  void whenTwoPendingBlobsRaceTheFirstCommitWinsAndTheSecondIsDiscarded() throws IOException {
    ContentStore store = ContentStore.open(root);
    byte[] content = randomBytes(70_000, 7);
    try (PendingBlob a = store.blobWriter().begin();
        PendingBlob b = store.blobWriter().begin()) {
      a.write(content);
      b.write(content);
      StoredBlob first = a.commit();
      Path file = store.paths().blob(first.digest());
      Object inode = Files.readAttributes(file, "unix:ino").get("ino");
      StoredBlob second = b.commit();
      assertFalse(first.alreadyPresent());
      assertTrue(second.alreadyPresent());
      assertEquals(inode, Files.readAttributes(file, "unix:ino").get("ino"));
      assertEquals(1, Files.readAttributes(file, "unix:nlink").get("nlink"));
    }
    assertEquals(1, filesIn(root.resolve("blobs/sha256")).size());
  }

  @Test
  void manyThreadsWritingOneBlobEndWithOneVerifiedFileAndNoTemps() throws Exception {
    ContentStore store = ContentStore.open(root);
    byte[] content = randomBytes(1_000_000, 5);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<StoredBlob>> tasks = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        tasks.add(() -> store.blobWriter().write(new ByteArrayInputStream(content)));
      }
      for (Future<StoredBlob> f : pool.invokeAll(tasks)) {
        assertEquals(Digest.sha256(content), f.get().digest());
      }
    } finally {
      pool.shutdownNow();
    }
    store.blobReader().verify(Digest.sha256(content));
    assertEquals(1, filesIn(root.resolve("blobs/sha256")).size());
  }

  @Test
  void sha512BlobsAreVerifiedWithTheirOwnAlgorithm() throws Exception {
    ContentStore store = ContentStore.open(root);
    byte[] content = randomBytes(100, 6);
    byte[] hash = java.security.MessageDigest.getInstance("SHA-512").digest(content);
    Digest digest = new Digest("sha512", java.util.HexFormat.of().formatHex(hash));
    StoredBlob blob =
        store.blobWriter().write(new ByteArrayInputStream(content), digest, content.length);
    assertEquals(digest, blob.digest());
    assertTrue(Files.isRegularFile(root.resolve("blobs/sha512/" + digest.hex())));
    assertArrayEquals(content, store.blobReader().readAllBytes(digest));
  }
}
