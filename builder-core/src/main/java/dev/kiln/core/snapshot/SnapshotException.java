package dev.kiln.core.snapshot;

/** A snapshot could not be prepared, diffed or removed (a mount refused, a copy failed). */
public class SnapshotException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SnapshotException(String message) {
    super(message);
  }

  public SnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
