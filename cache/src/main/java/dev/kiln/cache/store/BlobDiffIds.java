package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * Which diffID each compressed blob of the store was seen to uncompress to ({@code
 * kiln/blob-diffids/}, one small file per blob holding the diffID). What kiln keeps from a layer
 * (its index, its unpacked directory, its package facts) is named by diffID alone, so a reader that
 * uses it for a blob must know that this blob has that diffID: a fact is written only by something
 * that hashed the blob's whole uncompressed bytes, or that wrote them itself.
 */
public final class BlobDiffIds {
  private final StorePaths paths;

  public BlobDiffIds(StorePaths paths) {
    this.paths = paths;
  }

  /** Records that {@code blob} uncompresses to {@code diffId} (nothing when they are equal). */
  public void record(Digest blob, Digest diffId) throws IOException {
    if (blob.equals(diffId) || find(blob).filter(diffId::equals).isPresent()) {
      return;
    }
    Path file = paths.blobDiffId(blob);
    Files.createDirectories(file.getParent());
    // Renamed into place whole, but not synced (a build writes one per layer it makes, and two
    // fsyncs each cost more wall time than the rest of recording): after a crash the file may be
    // missing or empty, which reads as no fact and costs one more read of the blob, never a wrong
    // diffID.
    Path temp = StorePaths.newTempFileNextTo(file);
    try {
      Files.write(temp, (diffId + "\n").getBytes(StandardCharsets.UTF_8));
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The diffID {@code blob} was seen to uncompress to, if any; a damaged record counts as none. */
  public Optional<Digest> find(Digest blob) throws IOException {
    String text;
    try {
      text = Files.readString(paths.blobDiffId(blob), StandardCharsets.UTF_8).strip();
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(Digest.parse(text));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
