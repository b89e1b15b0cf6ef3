package dev.kiln.registry.client;

import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.event.RegistryEvent.Direction;
import dev.kiln.registry.model.Digest;
import java.util.function.Consumer;

/** Turns byte counts into {@link RegistryEvent.BlobProgress} events, at most one per 256 KiB. */
final class ProgressReporter {
  static final long STEP = 256 * 1024;

  private final Consumer<RegistryEvent> events;
  private final Direction direction;
  private final Digest digest;
  private final long size;
  private long lastReported = -1;

  ProgressReporter(Consumer<RegistryEvent> events, Direction direction, Digest digest, long size) {
    this.events = events;
    this.direction = direction;
    this.digest = digest;
    this.size = size;
  }

  void started() {
    events.accept(new RegistryEvent.BlobStarted(direction, digest, size));
  }

  /** Reports {@code bytesSoFar} if it moved at least a step, or reached the end. */
  void at(long bytesSoFar) {
    if (bytesSoFar == lastReported) {
      return;
    }
    if (bytesSoFar - lastReported >= STEP || bytesSoFar == size || lastReported < 0) {
      lastReported = bytesSoFar;
      events.accept(new RegistryEvent.BlobProgress(direction, digest, bytesSoFar, size));
    }
  }

  void resumed(long offset) {
    events.accept(new RegistryEvent.BlobResumed(direction, digest, offset));
    lastReported = offset;
  }
}
