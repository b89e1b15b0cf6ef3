package dev.kiln.registry.transport;

import java.util.List;

/**
 * HTTP 401 or 403: the registry (or its token server) did not accept the credentials, or there were
 * none, or they do not grant the access needed.
 */
public class AuthenticationException extends RegistryException {
  private static final long serialVersionUID = 1L;

  public AuthenticationException(
      String action,
      String method,
      String url,
      int status,
      List<RegistryError> errors,
      String credentialSource,
      String hint) {
    super(action, method, url, status, errors, credentialSource, false, hint, null);
  }
}
