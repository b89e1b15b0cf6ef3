package dev.kiln.registry.transport;

import java.util.List;

/** HTTP 404: the repository, tag, manifest or blob does not exist (or is hidden from you). */
public class NotFoundException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(
      String action,
      String method,
      String url,
      List<RegistryError> errors,
      String credentialSource,
      String hint) {
    super(action, method, url, 404, errors, credentialSource, false, hint, null);
  }

  /** The same failure, its hint followed by {@code more} (what the repository has instead). */
  public NotFoundException withMoreHint(String more) {
    String hint = hint() == null || hint().isEmpty() ? more : hint() + "; " + more;
    NotFoundException e =
        new NotFoundException(action(), method(), url(), errors(), credentialSource(), hint);
    e.setStackTrace(getStackTrace());
    return e;
  }
}
