package dev.kiln.cache.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file atomically: readers see the old or the new content, never a mix, and a
 * crash never leaves a truncated file under the real name.
 */
public final class AtomicFile {
  private AtomicFile() {}

  /** Writes {@code content} to a synced temp file next to {@code target}, then renames it. */
  public static void write(Path target, byte[] content) throws IOException {
    Files.createDirectories(target.getParent());
    Path temp = StorePaths.newTempFileNextTo(target);
    try {
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
    syncDirectory(target.getParent());
  }

  /**
   * Makes a rename in {@code directory} durable. Best effort: some file systems refuse to open a
   * directory for sync; the file is still correct then, only less durable across power loss.
   */
  public static void syncDirectory(Path directory) {
    try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
      dir.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // best effort, see above
    }
  }
}
