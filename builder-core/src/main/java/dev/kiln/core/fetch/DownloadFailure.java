package dev.kiln.core.fetch;

/**
 * A download that could not start: the server could not be reached, refused the request or did not
 * answer 2xx. The message says why without naming the URL (the caller names it with what it was
 * for); the hint says what to do.
 */
public final class DownloadFailure extends Exception {
  private final String hint;

  public DownloadFailure(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  public String hint() {
    return hint;
  }
}
