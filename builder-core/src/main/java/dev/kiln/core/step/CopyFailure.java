package dev.kiln.core.step;

/** A COPY or ADD that cannot be done as written: a missing source, a bad destination. */
public final class CopyFailure extends Exception {
  private final String hint;

  public CopyFailure(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
