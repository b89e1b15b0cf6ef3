package dev.kiln.testdata.registry;

/** How a {@link LocalRegistry} is reached and how it authenticates clients. */
public enum RegistryVariant {
  /** Plain HTTP, no authentication. */
  PLAIN,
  /** Plain HTTP with HTTP Basic authentication from an htpasswd file (bcrypt entries). */
  HTPASSWD,
  /** HTTPS with a certificate issued by a throwaway CA; no authentication. */
  TLS,
  /**
   * Plain HTTP with bearer-token authentication: the registry sends clients to an in-process token
   * server (the flow Docker Hub, GHCR, ECR and GCR use) and verifies the JWTs it signs.
   */
  TOKEN;

  boolean usesTls() {
    return this == TLS;
  }
}
