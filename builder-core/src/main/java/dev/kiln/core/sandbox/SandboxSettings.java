package dev.kiln.core.sandbox;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a sandbox keeps its per-step state (generated files, OCI bundles, the runtime's state
 * directory; under kiln's temp dir) and the user namespace steps run in: when kiln is not root, and
 * when kiln is root without {@code CAP_SYS_ADMIN} (an unprivileged container), where it maps every
 * id onto itself. {@code helpersRefused} says why subordinate ids are not used although {@code
 * newuidmap} is installed.
 */
public record SandboxSettings(
    Path stateDir,
    HostIdentity identity,
    Optional<UserNamespacePlan> userNamespace,
    Optional<String> helpersRefused) {
  public SandboxSettings {
    stateDir = stateDir.toAbsolutePath();
    if (!identity.isRoot() && userNamespace.isEmpty()) {
      throw new IllegalArgumentException(
          "kiln runs as uid " + identity.uid() + " and needs a user namespace plan");
    }
  }

  public SandboxSettings(
      Path stateDir, HostIdentity identity, Optional<UserNamespacePlan> userNamespace) {
    this(stateDir, identity, userNamespace, Optional.empty());
  }

  /**
   * Settings for the user running kiln: a user namespace when not root, and when root without
   * {@code CAP_SYS_ADMIN}.
   */
  public static SandboxSettings forCurrentUser(Path stateDir) {
    HostIdentity identity = HostIdentity.current();
    ProcessCapabilities caps = ProcessCapabilities.current();
    if (identity.isRoot()) {
      return new SandboxSettings(
          stateDir,
          identity,
          caps.hasSysAdmin()
              ? Optional.empty()
              : Optional.of(UserNamespacePlan.identityOfCurrentProcess()));
    }
    Optional<String> refused =
        HostTools.find("newuidmap")
            .flatMap(p -> UserNamespacePlan.helpersRefused(p, caps))
            .filter(why -> UserNamespacePlan.currentUserHasRanges());
    return new SandboxSettings(
        stateDir, identity, Optional.of(UserNamespacePlan.forCurrentUser()), refused);
  }

  /** Whether steps run in a user namespace (kiln is not root, or lacks CAP_SYS_ADMIN). */
  public boolean rootless() {
    return userNamespace.isPresent();
  }

  /**
   * Whether kiln writes the namespace's id maps itself (root without {@code CAP_SYS_ADMIN}) rather
   * than {@code unshare} and {@code newuidmap} writing them.
   */
  boolean writesIdMapsItself() {
    return identity.isRoot() && userNamespace.isPresent();
  }
}
