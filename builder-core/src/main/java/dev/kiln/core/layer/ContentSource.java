package dev.kiln.core.layer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Opens the bytes of a regular-file entry when the writer reaches it, so that entries can be
 * collected and sorted without holding any content in memory.
 *
 * <p>Sources backed by files or byte arrays can be opened any number of times. A source handed out
 * by {@link LayerReader} can be opened only while the reader is positioned on its entry.
 */
@FunctionalInterface
public interface ContentSource {
  /** No content (every non-regular entry, and empty files). */
  ContentSource EMPTY = () -> InputStream.nullInputStream();

  /** Opens a fresh stream over the content. */
  InputStream open() throws IOException;

  /** Content read from {@code file} when needed, never following a symlink at its final name. */
  static ContentSource ofFile(Path file) {
    return () -> Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
  }

  /** Content held in memory (heredocs, small synthetic files). The array is not copied. */
  static ContentSource ofBytes(byte[] bytes) {
    return () -> new ByteArrayInputStream(bytes);
  }
}
