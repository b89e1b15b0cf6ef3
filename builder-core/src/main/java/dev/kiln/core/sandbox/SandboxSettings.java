package dev.kiln.core.sandbox;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a sandbox keeps its per-step state (generated files, OCI bundles, the runtime's state
 * directory; under kiln's temp dir) and, when kiln is not root, the user namespace steps run in.
 */
public record SandboxSettings(
    Path stateDir, HostIdentity identity, Optional<UserNamespacePlan> userNamespace) {
  public SandboxSettings {
    stateDir = stateDir.toAbsolutePath();
    if (!identity.isRoot() && userNamespace.isEmpty()) {
      throw new IllegalArgumentException(
          "kiln runs as uid " + identity.uid() + " and needs a user namespace plan");
    }
  }

  /** Settings for the user running kiln: a user namespace exactly when not root. */
  public static SandboxSettings forCurrentUser(Path stateDir) {
    HostIdentity identity = HostIdentity.current();
    return new SandboxSettings(
        stateDir,
        identity,
        identity.isRoot() ? Optional.empty() : Optional.of(UserNamespacePlan.forCurrentUser()));
  }

  /** Whether steps run in a user namespace (kiln is not root). */
  public boolean rootless() {
    return userNamespace.isPresent();
  }
}
