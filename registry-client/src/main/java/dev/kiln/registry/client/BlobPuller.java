package dev.kiln.registry.client;

import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Pulls blobs from a registry: verified, resuming streams, and downloads to files made atomically.
 * {@link BlobPusher}'s counterpart.
 */
final class BlobPuller {
  private final EndpointCaller caller;
  private final RegistryClientOptions options;
  private final Consumer<RegistryEvent> events;
  private final PullRouting routing;

  BlobPuller(
      EndpointCaller caller,
      RegistryClientOptions options,
      Consumer<RegistryEvent> events,
      PullRouting routing) {
    this.caller = caller;
    this.options = options;
    this.events = events;
    this.routing = routing;
  }

  InputStream open(ImageReference repository, Descriptor blob) throws IOException {
    return open(repository, blob, false);
  }

  /** A stream as {@link #open}'s, without the digest check when {@code checkedByCaller}. */
  InputStream open(ImageReference repository, Descriptor blob, boolean checkedByCaller)
      throws IOException {
    String action = "pulling blob " + blob.digest() + " from " + repository.name();
    return new VerifiedBlobStream(
            blob,
            action,
            offset ->
                routing.pull(
                    repository,
                    action,
                    source -> caller.open(new BlobGet(source, blob.digest(), offset))),
            options.retryPolicy(),
            options.sleeper(),
            options.random(),
            events,
            checkedByCaller)
        .start();
  }

  /** The whole (small) blob in memory, verified. */
  byte[] readAll(ImageReference repository, Descriptor blob) throws IOException {
    if (blob.size() > Integer.MAX_VALUE - 8) {
      throw new IOException(blob.digest() + " is too large to read into memory");
    }
    try (InputStream in = open(repository, blob)) {
      return in.readAllBytes();
    }
  }

  /**
   * Downloads to {@code target}: into a temp file in the same directory, renamed into place only
   * after the digest checked out, so an interrupted download never leaves a wrong file there.
   */
  void download(ImageReference repository, Descriptor blob, Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".partial");
    try {
      try (InputStream in = open(repository, blob);
          FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        // 64 KiB reads, not transferTo's 8 KiB: a socket read each.
        byte[] buf = new byte[64 * 1024];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          ByteBuffer bytes = ByteBuffer.wrap(buf, 0, n);
          while (bytes.hasRemaining()) {
            channel.write(bytes);
          }
        }
        channel.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
