package dev.kiln.api.event;

/**
 * Receives {@link BuildEvent}s. Steps run in parallel, so implementations must be thread-safe; they
 * must also be fast and must not throw (an exception from a listener is not the build's failure).
 */
@FunctionalInterface
public interface BuildListener {
  BuildListener NONE = event -> {};

  void on(BuildEvent event);

  /** A listener that passes every event to this one and then to {@code next}. */
  default BuildListener andThen(BuildListener next) {
    return event -> {
      on(event);
      next.on(event);
    };
  }
}
