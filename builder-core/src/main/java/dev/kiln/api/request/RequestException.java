package dev.kiln.api.request;

/**
 * A build request that cannot be carried out as given: a malformed flag value, a missing file, a
 * combination that makes no sense. It always says what to do instead.
 */
public final class RequestException extends RuntimeException {
  private final String hint;

  public RequestException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  /** What the user can do about it. */
  public String hint() {
    return hint;
  }
}
