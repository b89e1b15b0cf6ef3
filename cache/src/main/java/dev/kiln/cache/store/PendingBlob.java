package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A blob being written: an output stream onto a temp file that hashes what passes through it.
 *
 * <p>Nothing is visible under a digest name until {@link #commit()}. Closing without committing
 * (including after an exception) deletes the temp file, so try-with-resources is the intended use:
 *
 * <pre>{@code
 * try (PendingBlob blob = store.blobWriter().begin()) {
 *   producer.writeTo(blob);
 *   return blob.commit();
 * }
 * }</pre>
 *
 * <p>While the blob is being written its temp file is locked ({@link FileChannel#lock()}), so a
 * prune in another process can tell a live writer's temp file from one a killed writer left behind
 * ({@link #isBeingWritten}); the OS drops the lock when the writer dies, even by SIGKILL.
 *
 * <p>Not thread-safe: one producer writes one blob.
 */
public final class PendingBlob extends OutputStream {
  private static final int BUFFER_SIZE = 128 * 1024;

  // Temp files written by this JVM. A POSIX process loses all its locks on a file when it closes
  // any descriptor of it, so isBeingWritten must not open files this JVM is writing itself.
  private static final Set<Path> LIVE_IN_THIS_PROCESS = ConcurrentHashMap.newKeySet();

  private final StorePaths paths;
  private final String algorithm;
  private final Path temp;
  private final FileChannel channel;
  private final MessageDigest hash;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
  private long size;
  private boolean finished;

  PendingBlob(StorePaths paths, String algorithm) throws IOException {
    this.paths = paths;
    this.algorithm = algorithm;
    this.temp = paths.newBlobTempFile(algorithm);
    this.hash = newHash(algorithm);
    this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    LIVE_IN_THIS_PROCESS.add(temp);
    try {
      channel.lock();
    } catch (IOException | RuntimeException e) {
      LIVE_IN_THIS_PROCESS.remove(temp);
      channel.close();
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /**
   * Whether {@code tempFile} (a {@link StorePaths#isTempFile temp file} in a blob directory) is
   * being written by a live {@code PendingBlob} in this or another process. False once the writer
   * committed, abandoned it or died.
   */
  public static boolean isBeingWritten(Path tempFile) throws IOException {
    Path key = tempFile.toAbsolutePath().normalize();
    if (LIVE_IN_THIS_PROCESS.contains(key)) {
      return true;
    }
    try (FileChannel probe = FileChannel.open(key, StandardOpenOption.READ)) {
      java.nio.channels.FileLock lock = probe.tryLock(0, Long.MAX_VALUE, true);
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (NoSuchFileException e) {
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    }
  }

  private static MessageDigest newHash(String algorithm) {
    try {
      switch (algorithm) {
        case "sha256":
          return MessageDigest.getInstance("SHA-256");
        case "sha512":
          return MessageDigest.getInstance("SHA-512");
        default:
          throw new IllegalArgumentException(
              "unsupported digest algorithm '" + algorithm + "' (expected sha256 or sha512)");
      }
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no " + algorithm, e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    ensureOpen();
    if (!buffer.hasRemaining()) {
      drain();
    }
    buffer.put((byte) b);
    hash.update((byte) b);
    size++;
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    ensureOpen();
    hash.update(bytes, offset, length);
    size += length;
    if (length >= buffer.capacity()) {
      drain();
      ByteBuffer direct = ByteBuffer.wrap(bytes, offset, length);
      while (direct.hasRemaining()) {
        channel.write(direct);
      }
      return;
    }
    while (length > 0) {
      if (!buffer.hasRemaining()) {
        drain();
      }
      int n = Math.min(length, buffer.remaining());
      buffer.put(bytes, offset, n);
      offset += n;
      length -= n;
    }
  }

  /** The number of bytes written so far. */
  public long size() {
    return size;
  }

  /**
   * Syncs the content to disk and publishes it under its digest.
   *
   * @return the blob's digest and size, and whether the store already had it
   */
  public StoredBlob commit() throws IOException {
    ensureOpen();
    Digest digest = new Digest(algorithm, HexFormat.of().formatHex(hash.digest()));
    return publish(digest);
  }

  /**
   * Like {@link #commit()}, but publishes nothing and throws {@link BlobVerificationException} if
   * the content is not exactly {@code expected} with {@code expectedSize} bytes ({@link
   * VerifyingInputStream#UNKNOWN_SIZE} skips the size check).
   */
  public StoredBlob commit(Digest expected, long expectedSize) throws IOException {
    ensureOpen();
    if (!expected.algorithm().equals(algorithm)) {
      throw new IllegalArgumentException(
          "blob was hashed with " + algorithm + " but is expected to be " + expected);
    }
    byte[] actual = hash.digest();
    if (expectedSize >= 0 && expectedSize != size) {
      close();
      throw new BlobVerificationException(
          expected,
          "blob "
              + expected
              + " has "
              + size
              + " bytes, expected "
              + expectedSize
              + "; not stored");
    }
    if (!expected.matches(actual)) {
      close();
      throw new BlobVerificationException(
          expected,
          "content does not match its digest: expected "
              + expected
              + " but the "
              + size
              + " bytes hash to "
              + algorithm
              + ":"
              + HexFormat.of().formatHex(actual)
              + "; not stored");
    }
    return publish(expected);
  }

  private StoredBlob publish(Digest digest) throws IOException {
    try {
      drain();
      channel.force(true);
      Path target = paths.blob(digest);
      // An existing copy may be old and unreferenced; retaining it keeps a prune from collecting
      // it before the caller records it. Otherwise ours is linked into place, never replacing a
      // copy another writer published meanwhile.
      boolean alreadyPresent =
          Files.exists(target) && BlobRetention.retain(paths, List.of(digest)).isEmpty();
      if (!alreadyPresent) {
        alreadyPresent = !linkIntoPlace(target);
      }
      Files.deleteIfExists(temp);
      if (!alreadyPresent) {
        AtomicFile.syncDirectory(target.getParent());
      }
      // Closed only now: the lock keeps a prune away from the temp file until it is renamed.
      channel.close();
      LIVE_IN_THIS_PROCESS.remove(temp);
      finished = true;
      return new StoredBlob(digest, size, alreadyPresent);
    } finally {
      if (!finished) {
        abandon();
      }
    }
  }

  /**
   * Gives the finished temp file its digest name without ever replacing an existing blob: link(2)
   * fails atomically if the name exists, so the first writer's file stays, whichever process that
   * was. Returns false if the blob was already there.
   *
   * <p>On a file system without hard links, falls back to an atomic rename after an existence
   * check. In the window between the two another writer may publish the same digest, and the rename
   * then replaces identical, equally verified bytes, which readers that have the old file open do
   * not notice.
   */
  private boolean linkIntoPlace(Path target) throws IOException {
    try {
      Files.createLink(target, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      if (Files.exists(target)) {
        return false;
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        return true;
      } catch (AccessDeniedException denied) {
        if (Files.exists(target)) {
          return false;
        }
        throw new FileSystemException(
            temp.toString(),
            target.toString(),
            "cannot rename a finished blob into place ("
                + denied.getMessage()
                + "); on some systems a virus scanner holding the file open causes this, retry");
      }
    }
  }

  private void drain() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  private void ensureOpen() throws IOException {
    if (finished) {
      throw new IOException("blob " + temp + " is already committed or abandoned");
    }
  }

  /** Abandons the blob unless it was committed: the temp file is deleted. */
  @Override
  public void close() throws IOException {
    if (!finished) {
      abandon();
    }
  }

  private void abandon() throws IOException {
    finished = true;
    try {
      Files.deleteIfExists(temp);
    } finally {
      try {
        channel.close();
      } finally {
        LIVE_IN_THIS_PROCESS.remove(temp);
      }
    }
  }
}
