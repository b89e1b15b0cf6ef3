package dev.kiln.core.sandbox;

/**
 * The backend {@link SandboxSelector} chose: the sandbox, which isolation it is ({@link
 * Isolation#OCI} or {@link Isolation#CHROOT}), and why, in words the CLI can print (e.g. "runc
 * 1.1.5 (/usr/sbin/runc) ran a test container; crun (/usr/bin/crun) failed: cgroups in hybrid mode
 * not supported").
 */
public record SandboxChoice(Sandbox sandbox, Isolation isolation, String reason) {
  @Override
  public String toString() {
    return isolation.optionValue() + ": " + reason;
  }
}
