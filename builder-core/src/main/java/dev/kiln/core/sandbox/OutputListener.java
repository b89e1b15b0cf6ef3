package dev.kiln.core.sandbox;

/**
 * Receives a step's output line by line while it runs (the progress display). Calls are serialised
 * (never concurrent) and must be quick: a slow listener slows the step's output pipes down.
 */
@FunctionalInterface
public interface OutputListener {
  /** Ignores all output. */
  OutputListener DISCARD = (stream, line) -> {};

  /** One line, without its line terminator. */
  void onLine(StdStream stream, String line);
}
