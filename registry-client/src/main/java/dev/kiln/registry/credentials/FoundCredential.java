package dev.kiln.registry.credentials;

import java.util.Objects;

/**
 * A credential and where it came from, e.g. {@code docker config /home/u/.docker/config.json
 * (auths["ghcr.io"])}. The source is what logs and error messages show; the secret is never shown.
 */
public record FoundCredential(Credential credential, String source) {
  public FoundCredential {
    Objects.requireNonNull(credential, "credential");
    Objects.requireNonNull(source, "source");
  }

  @Override
  public String toString() {
    return credential + " from " + source;
  }
}
