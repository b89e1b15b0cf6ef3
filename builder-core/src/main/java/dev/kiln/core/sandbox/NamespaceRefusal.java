package dev.kiln.core.sandbox;

import java.util.Optional;

/**
 * The fix for a step whose namespaces the kernel refused, told from what {@code unshare}, {@code
 * newuidmap} or {@code mount} said. Inside a container the usual cause is its seccomp profile:
 * Docker's default one lets {@code unshare} make namespaces only with {@code CAP_SYS_ADMIN}, while
 * podman's allows a user namespace, which kiln uses when it lacks that capability.
 */
final class NamespaceRefusal {
  /** What the chroot setup says when the kernel refuses the step a /proc of its own. */
  static final String PROC_REFUSED = "kiln: the kernel refused the step a /proc of its own";

  private NamespaceRefusal() {}

  /** The fix for the refusal {@code said} reports, if kiln knows it. */
  static Optional<String> hint(String said) {
    if (said.contains("unshare failed: Operation not permitted")
        || said.contains("unshare failed: Function not implemented")) {
      return Optional.of(
          "the kernel refused kiln a new user namespace: in a container its seccomp profile"
              + " usually does (Docker's default one allows unshare only with CAP_SYS_ADMIN): run"
              + " kiln's container with podman's default profile, or with `--security-opt"
              + " seccomp=unconfined` (Kubernetes: securityContext.seccompProfile.type:"
              + " Unconfined), or with --cap-add SYS_ADMIN; on a host, allow unprivileged user"
              + " namespaces (sysctl kernel.unprivileged_userns_clone=1, or AppArmor's"
              + " kernel.apparmor_restrict_unprivileged_userns=0)");
    }
    if (said.contains(PROC_REFUSED)) {
      return Optional.of(
          "kiln's container masks paths of /proc, and the kernel then refuses a nested /proc:"
              + " run it with `--security-opt unmask=ALL` (podman), `--security-opt"
              + " systempaths=unconfined` (Docker) or `securityContext.procMount: Unmasked`"
              + " (Kubernetes, with hostUsers: false), or use --isolation=oci with the privileges"
              + " runc needs");
    }
    if (said.contains("unshare failed: No space left on device")) {
      return Optional.of(
          "user namespaces are switched off or used up: raise sysctl user.max_user_namespaces"
              + " (0 forbids them)");
    }
    if (said.contains("write to uid_map failed") || said.contains("write to gid_map failed")) {
      return Optional.of(
          "newuidmap/newgidmap could not map kiln's subordinate ids: in a container without"
              + " CAP_SYS_ADMIN they must carry file capabilities instead of the setuid bit"
              + " (`setcap cap_setuid=ep /usr/bin/newuidmap`, `setcap cap_setgid=ep"
              + " /usr/bin/newgidmap`), or remove the user's lines from /etc/subuid and /etc/subgid"
              + " to run steps as root only");
    }
    if (said.contains("mount: ") && said.contains("permission denied")) {
      return Optional.of(
          "a mount in the step's namespace was refused: a security module may forbid mounts"
              + " (AppArmor: run kiln's container with `--security-opt apparmor=unconfined`)");
    }
    return Optional.empty();
  }
}
