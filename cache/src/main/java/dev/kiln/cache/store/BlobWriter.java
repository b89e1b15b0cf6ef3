package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

/**
 * Writes blobs into the content store so that a blob name only ever appears with verified, fully
 * synced content.
 *
 * <p>Each write goes to a temp file in the blob's own directory ({@link StorePaths}); {@link
 * PendingBlob#commit()} syncs it, checks digest and size, and links it into place under its digest
 * (an atomic operation that never replaces an existing name). If the blob already exists (another
 * writer, perhaps another kiln process, won the race) the existing file is kept and the temp file
 * deleted. Because names are content digests, racing writers hold identical bytes, so no lock is
 * needed here.
 */
public final class BlobWriter {
  static final int COPY_BUFFER = 64 * 1024;

  private final StorePaths paths;

  BlobWriter(StorePaths paths) {
    this.paths = paths;
  }

  /**
   * Starts a sha256 blob whose digest becomes known when it is committed. Close it without
   * committing to abandon it.
   */
  public PendingBlob begin() throws IOException {
    return begin("sha256");
  }

  /** Starts a blob of the given digest algorithm ({@code sha256} or {@code sha512}). */
  public PendingBlob begin(String algorithm) throws IOException {
    Files.createDirectories(paths.blobDirectory(algorithm));
    return new PendingBlob(paths, algorithm);
  }

  /** Copies {@code content} into the store and returns its digest. */
  public StoredBlob write(InputStream content) throws IOException {
    try (PendingBlob blob = begin()) {
      copy(content, blob);
      return blob.commit();
    }
  }

  /**
   * Copies {@code content} into the store if it has exactly {@code expected} and {@code
   * expectedSize} (pass {@link VerifyingInputStream#UNKNOWN_SIZE} if unknown); otherwise nothing is
   * stored and a {@link BlobVerificationException} says what differed.
   */
  public StoredBlob write(InputStream content, Digest expected, long expectedSize)
      throws IOException {
    try (PendingBlob blob = begin(expected.algorithm())) {
      copy(content, blob);
      return blob.commit(expected, expectedSize);
    }
  }

  /**
   * Copies in reads of up to {@value #COPY_BUFFER} bytes: {@link InputStream#transferTo}'s 8 KiB
   * made a download from a registry a socket read per 8 KiB (28,000 for a 208 MiB image).
   */
  private static void copy(InputStream content, PendingBlob blob) throws IOException {
    byte[] buf = new byte[COPY_BUFFER];
    for (int n = content.read(buf); n >= 0; n = content.read(buf)) {
      blob.write(buf, 0, n);
    }
  }

  /** Stores small content held in memory, such as a manifest or config. */
  public StoredBlob write(byte[] content) throws IOException {
    try (PendingBlob blob = begin()) {
      blob.write(content);
      return blob.commit();
    }
  }
}
