package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads blobs from the content store as streams.
 *
 * <p>Blobs were verified when written, so {@link #open} trusts them; {@link #openVerified}
 * re-hashes on the way (for content about to leave the machine, or after a crash) and fails at the
 * end of the stream if the file was damaged since.
 */
public final class BlobReader {
  private final StorePaths paths;

  BlobReader(StorePaths paths) {
    this.paths = paths;
  }

  /** Whether the store holds the blob. */
  public boolean contains(Digest digest) {
    return Files.isRegularFile(paths.blob(digest), LinkOption.NOFOLLOW_LINKS);
  }

  /** The blob's size, or empty if the store does not hold it. */
  public OptionalLong size(Digest digest) throws IOException {
    try {
      return OptionalLong.of(Files.size(paths.blob(digest)));
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    }
  }

  /** Streams the blob without re-checking its digest. */
  public InputStream open(Digest digest) throws IOException {
    Path file = paths.blob(digest);
    try {
      return new BufferedInputStream(Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS), 65536);
    } catch (NoSuchFileException e) {
      throw new BlobNotFoundException(digest, paths.root());
    }
  }

  /**
   * Streams the blob through a {@link VerifyingInputStream}: the read that reaches the end throws
   * {@link BlobVerificationException} if the bytes no longer match {@code digest}.
   */
  public InputStream openVerified(Digest digest) throws IOException {
    InputStream in = open(digest);
    long size = Files.size(paths.blob(digest));
    return new VerifyingInputStream(in, digest, size);
  }

  /** Reads the whole blob and checks it; throws {@link BlobVerificationException} if damaged. */
  public void verify(Digest digest) throws IOException {
    try (InputStream in = openVerified(digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
  }

  /** Reads a small blob (manifest, config) into memory, verified. */
  public byte[] readAllBytes(Digest digest) throws IOException {
    try (InputStream in = openVerified(digest)) {
      return in.readAllBytes();
    }
  }
}
