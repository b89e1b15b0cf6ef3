package dev.kiln.core.sandbox;

/** Which of the step's output streams a line came from. */
public enum StdStream {
  STDOUT,
  STDERR
}
