package dev.kiln.core.sandbox;

import dev.kiln.registry.model.Platform;
import java.util.Optional;

/**
 * Whether a RUN for a platform runs natively, under the host's binfmt_misc emulation, or not at
 * all. kiln never runs a foreign binary without saying so, and never starts a step that is bound to
 * fail with "exec format error": the check comes before the sandbox. Pure: the registry is read by
 * the caller.
 */
public final class Emulation {
  private Emulation() {}

  /**
   * The interpreter a RUN for {@code target} needs on {@code host}: empty when the host runs the
   * target's binaries itself.
   *
   * @throws EmulationUnavailableException when no usable interpreter is registered, naming the fix
   */
  public static Optional<BinfmtRegistry.Interpreter> require(
      Platform target, Platform host, BinfmtRegistry registry)
      throws EmulationUnavailableException {
    if (runsNatively(target, host)) {
      return Optional.empty();
    }
    String what = "RUN for " + target + " on this " + host + " host needs emulation";
    String arch = BinfmtRegistry.ElfMachine.of(target).map(m -> m.qemuName()).orElse(null);
    if (arch == null) {
      throw new EmulationUnavailableException(
          what + ", and kiln does not know the binaries of " + target.architecture(),
          "build this platform on a " + target + " machine");
    }
    String install =
        "install Debian's qemu-user-static (apt-get install qemu-user-static), which registers"
            + " qemu-"
            + arch
            + " with binfmt_misc";
    if (!registry.mounted()) {
      throw new EmulationUnavailableException(
          what + ", and binfmt_misc is not mounted (" + BinfmtRegistry.PROC + " is empty)",
          "mount it as root: "
              + BinfmtRegistry.MOUNT_COMMAND
              + "; then "
              + install
              + " (or re-register: systemctl restart systemd-binfmt)");
    }
    if (!registry.enabled()) {
      throw new EmulationUnavailableException(
          what + ", and binfmt_misc is disabled",
          "enable it as root: echo 1 > " + BinfmtRegistry.PROC.resolve("status"));
    }
    Optional<BinfmtRegistry.Interpreter> found = registry.forPlatform(target);
    if (found.isEmpty()) {
      throw new EmulationUnavailableException(
          what + ", and no binfmt_misc interpreter for " + arch + " binaries is registered",
          install);
    }
    if (!found.get().fixBinary()) {
      throw new EmulationUnavailableException(
          what
              + ", and binfmt_misc entry "
              + found.get().name()
              + " was registered without the F (fix-binary) flag, so its interpreter "
              + found.get().path()
              + " would have to be inside the image",
          "re-register it with the F flag: " + install + " (its entries have it)");
    }
    return found;
  }

  /** The host runs the target's Linux binaries itself: same architecture, or x86 on x86-64. */
  static boolean runsNatively(Platform target, Platform host) {
    if (!target.os().equals(host.os())) {
      return false;
    }
    String t = target.architecture();
    String h = host.architecture();
    return t.equals(h) || (h.equals("amd64") && t.equals("386"));
  }
}
