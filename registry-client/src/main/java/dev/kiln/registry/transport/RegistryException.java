package dev.kiln.registry.transport;

import java.io.IOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A registry operation failed. The message says what was being done (the action, which names the
 * reference), the method and redacted URL, the HTTP status, the registry's own error codes and
 * messages verbatim, where the credentials came from, and what a person can do about it.
 *
 * <p>Subclasses mark the cases callers handle differently: {@link NotFoundException}, {@link
 * AuthenticationException}, {@link ContentVerificationException}. {@link #retryable()} drives the
 * retry interceptor.
 */
public class RegistryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String action;
  private final String method;
  private final String url;
  private final int status;
  private final transient List<RegistryError> errors;
  private final String credentialSource;
  private final boolean retryable;
  private final String hint;

  public RegistryException(
      String action,
      String method,
      String url,
      int status,
      List<RegistryError> errors,
      String credentialSource,
      boolean retryable,
      String hint,
      Throwable cause) {
    super(compose(action, method, url, status, errors, credentialSource, hint), cause);
    this.action = action;
    this.method = method;
    this.url = url;
    this.status = status;
    this.errors = errors == null ? List.of() : List.copyOf(errors);
    this.credentialSource = credentialSource;
    this.retryable = retryable;
    this.hint = hint;
  }

  /** A failure that is not about an HTTP status (a protocol violation, a bad document). */
  public RegistryException(String action, String problem, Throwable cause) {
    this(action, null, null, 0, List.of(), null, false, problem, cause);
  }

  /**
   * An I/O failure (reset, timeout, TLS) while {@code action} was being done; retryable exactly
   * when the cause is transient.
   */
  public static RegistryException ioFailure(String action, IOException cause) {
    String message = ConnectionFailures.describe(cause);
    return new RegistryException(
        action,
        null,
        null,
        0,
        List.of(),
        null,
        TransientFailures.isTransient(cause),
        message,
        cause);
  }

  /**
   * The exception for an unsuccessful response: {@link NotFoundException} for 404, {@link
   * AuthenticationException} for 401 and 403, otherwise a {@code RegistryException} that is
   * retryable for 408, 429 and 5xx (except 501 and 505).
   *
   * @param action what was being done, e.g. {@code pulling manifest ghcr.io/o/app:1}
   */
  public static RegistryException fromResponse(String action, RegistryResponse response) {
    List<RegistryError> errors = RegistryError.parseBody(bytesOf(response));
    RegistryRequest req = response.request();
    int status = response.status();
    String hint = ErrorHints.hint(req, status, errors, response.credentialSource());
    if (status == 404) {
      return new NotFoundException(
          action, req.method(), req.redactedUrl(), errors, response.credentialSource(), hint);
    }
    if (status == 401 || status == 403) {
      return new AuthenticationException(
          action,
          req.method(),
          req.redactedUrl(),
          status,
          errors,
          response.credentialSource(),
          hint);
    }
    return new RegistryException(
        action,
        req.method(),
        req.redactedUrl(),
        status,
        errors,
        response.credentialSource(),
        isRetryableStatus(status),
        hint,
        null);
  }

  /** 408, 429 and server errors other than "not implemented" and "version not supported". */
  public static boolean isRetryableStatus(int status) {
    return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
  }

  private static byte[] bytesOf(RegistryResponse response) {
    try {
      return response.isBuffered() ? response.bodyBytes(Long.MAX_VALUE) : new byte[0];
    } catch (IOException e) {
      return new byte[0];
    }
  }

  private static String compose(
      String action,
      String method,
      String url,
      int status,
      List<RegistryError> errors,
      String credentialSource,
      String hint) {
    StringBuilder s = new StringBuilder();
    s.append(action == null ? "registry request" : action);
    if (method != null) {
      s.append(": ").append(method).append(' ').append(url);
    }
    if (status > 0) {
      s.append(" returned HTTP ").append(status);
    }
    if (errors != null && !errors.isEmpty()) {
      s.append(": ")
          .append(errors.stream().map(RegistryError::toString).collect(Collectors.joining("; ")));
    }
    if (credentialSource != null && status > 0) {
      s.append(" [credentials: ").append(credentialSource).append(']');
    }
    if (hint != null && !hint.isEmpty()) {
      s.append(status > 0 || method != null ? ". " : ": ").append(hint);
    }
    return s.toString();
  }

  /** What was being done when this failed. */
  public String action() {
    return action;
  }

  /** The HTTP method, or null if the failure was not an HTTP response. */
  public String method() {
    return method;
  }

  /** The redacted URL, or null. */
  public String url() {
    return url;
  }

  /** The HTTP status, or 0 if the failure was not an HTTP response. */
  public int status() {
    return status;
  }

  /** The registry's error entries, verbatim. */
  public List<RegistryError> errors() {
    return errors;
  }

  /** Whether the registry sent an error with this code (e.g. {@code MANIFEST_UNKNOWN}). */
  public boolean hasCode(String code) {
    return errors.stream().anyMatch(e -> e.code().equals(code));
  }

  /** Where the credentials came from, or null if none were sent. */
  public String credentialSource() {
    return credentialSource;
  }

  /** What to do about it, as the message ends; null if there is nothing to say. */
  public String hint() {
    return hint;
  }

  /** Whether sending the same request again may succeed. */
  public boolean retryable() {
    return retryable;
  }
}
