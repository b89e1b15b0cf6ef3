package dev.kiln.registry.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The bytes of one blob to push, wherever they are (a file, memory, another registry). Content can
 * be opened again at any offset, which is what lets an interrupted upload be retried or resumed;
 * every open returns a fresh stream the uploader closes.
 *
 * <p>Not to be confused with builder-core's {@code BlobSource}, which opens any blob of an image by
 * its descriptor: this is one blob's bytes, reopenable, for an upload.
 */
@FunctionalInterface
public interface BlobContent {

  /** A fresh stream of the blob's bytes starting at {@code offset}. */
  InputStream open(long offset) throws IOException;

  /** Opens a stream through {@code opener} and skips to the offset (reads, but holds nothing). */
  static BlobContent of(StreamOpener opener) {
    return offset -> {
      InputStream in = opener.open();
      try {
        in.skipNBytes(offset);
      } catch (IOException | RuntimeException e) {
        in.close();
        throw e;
      }
      return in;
    };
  }

  /** A file, opened at the offset without reading what comes before. */
  static BlobContent ofFile(Path file) {
    return offset -> {
      FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
      try {
        channel.position(offset);
      } catch (IOException e) {
        channel.close();
        throw e;
      }
      return Channels.newInputStream(channel);
    };
  }

  /** Bytes in memory: configs and other small blobs. */
  static BlobContent ofBytes(byte[] bytes) {
    byte[] copy = bytes.clone();
    return offset ->
        new ByteArrayInputStream(copy, (int) Math.min(offset, copy.length), copy.length);
  }

  /** Opens a stream from the start. */
  @FunctionalInterface
  interface StreamOpener {
    InputStream open() throws IOException;
  }
}
