package dev.kiln.registry.transport;

import java.io.InterruptedIOException;
import java.time.Duration;

/** Waits between retries; injected so tests can record waits instead of sleeping. */
@FunctionalInterface
public interface Sleeper {
  void sleep(Duration duration) throws InterruptedIOException;

  Sleeper REAL =
      duration -> {
        try {
          Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting to retry");
        }
      };
}
