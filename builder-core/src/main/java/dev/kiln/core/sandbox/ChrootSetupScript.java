package dev.kiln.core.sandbox;

import static dev.kiln.core.sandbox.ShellQuote.quote;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The shell script the chroot backend's namespace holder runs (host {@code /bin/sh}, fresh mount,
 * pid, ipc and uts namespaces, clean environment): it mounts {@code /proc}, a tmpfs {@code /dev}
 * with device nodes bound from the host, {@code /sys} read-only, the step's hosts and resolv.conf
 * read-only and the extra mounts, sets the host name, brings up loopback in a fresh network
 * namespace, prints {@code ready}, and then holds the namespaces until its stdin is closed. For a
 * privileged step ({@link SecurityMode#INSECURE}) nothing of {@code /proc} and {@code /sys} is
 * masked or read-only, and, as root, {@link FullPrivileges#devices()} are made in its {@code /dev}.
 *
 * <p>Every path in it was resolved inside the rootfs beforehand ({@link MountStubs}), and every
 * program is called by absolute path. It holds no secrets: the step's environment never passes
 * through it.
 */
final class ChrootSetupScript {
  static final String READY = "ready";

  private ChrootSetupScript() {}

  static String render(
      RunRequest request,
      MountStubs stubs,
      StepDirectory step,
      boolean rootless,
      ChrootTools tools) {
    StringBuilder s = new StringBuilder();
    String mount = quote(tools.mount().toString());
    // Hardening that a user namespace may refuse (locked mount flags) is best effort there.
    String optional = rootless ? " || :" : "";
    s.append("set -eu\n");
    s.append("umask 022\n");
    s.append("M=").append(mount).append('\n');
    s.append(
            "mask() { if [ -d \"$1\" ]; then \"$M\" -t tmpfs -o ro,nosuid,nodev,noexec tmpfs \"$1\"; ")
        .append("elif [ -e \"$1\" ]; then \"$M\" --bind /dev/null \"$1\"; fi; }\n");
    s.append("readonly_proc() { if [ -e \"$1\" ]; then \"$M\" --bind \"$1\" \"$1\" && ")
        .append("\"$M\" -o remount,bind,ro,nosuid,nodev,noexec \"$1\"; fi; }\n");

    Path proc = stubs.hostPath(StepTargets.PROC);
    Path dev = stubs.hostPath(StepTargets.DEV);
    Path sys = stubs.hostPath(StepTargets.SYS);

    s.append("\"$M\" -t proc -o nosuid,nodev,noexec proc ").append(quote(proc.toString()));
    if (rootless) {
      // The kernel refuses a fresh proc in a user namespace when no proc mount of kiln's is fully
      // visible, as in a container that masks /proc paths (podman, Docker, Kubernetes). Binding
      // kiln's own /proc instead is no answer: the step would see kiln's processes, under kiln's
      // own uid, and reach its files, environment and open descriptors through /proc/PID.
      s.append(" || { echo '").append(NamespaceRefusal.PROC_REFUSED).append("' >&2; exit 1; }");
    }
    s.append('\n');

    s.append("\"$M\" -t tmpfs -o nosuid,strictatime,mode=755,size=")
        .append(ContainerDefaults.TMPFS_SIZE)
        .append(" tmpfs ")
        .append(quote(dev.toString()))
        .append('\n');
    for (String device : ContainerDefaults.DEVICES) {
      String target = quote(dev.resolve(device).toString());
      s.append(": > ").append(target).append('\n');
      s.append("\"$M\" --bind /dev/").append(device).append(' ').append(target).append('\n');
    }
    String mkdir = quote(tools.mkdir().toString());
    String ln = quote(tools.ln().toString());
    s.append(mkdir)
        .append(' ')
        .append(quote(dev.resolve("pts").toString()))
        .append(' ')
        .append(quote(dev.resolve("shm").toString()))
        .append(' ')
        .append(quote(dev.resolve("mqueue").toString()))
        .append('\n');
    s.append("\"$M\" -t devpts -o nosuid,noexec,newinstance,ptmxmode=0666,mode=0620")
        .append(rootless ? "" : ",gid=5")
        .append(" devpts ")
        .append(quote(dev.resolve("pts").toString()))
        .append('\n');
    s.append(ln).append(" -s pts/ptmx ").append(quote(dev.resolve("ptmx").toString())).append('\n');
    s.append("\"$M\" -t tmpfs -o nosuid,nodev,noexec,mode=1777,size=")
        .append(request.shmTmpfsSize())
        .append(" shm ")
        .append(quote(dev.resolve("shm").toString()))
        .append('\n');
    s.append("\"$M\" -t mqueue -o nosuid,nodev,noexec mqueue ")
        .append(quote(dev.resolve("mqueue").toString()))
        .append(optional)
        .append('\n');
    s.append(ln)
        .append(" -s /proc/self/fd ")
        .append(quote(dev.resolve("fd").toString()))
        .append('\n');
    String[] std = {"stdin", "stdout", "stderr"};
    for (int i = 0; i < std.length; i++) {
      s.append(ln)
          .append(" -s /proc/self/fd/")
          .append(i)
          .append(' ')
          .append(quote(dev.resolve(std[i]).toString()))
          .append('\n');
    }

    boolean privileged = request.privileged();
    if (privileged && !rootless) {
      for (FullPrivileges.Device device : FullPrivileges.devices()) {
        Path node = dev.resolve(device.path().substring("/dev/".length()));
        if (!node.getParent().equals(dev)) {
          s.append(mkdir).append(" -p ").append(quote(node.getParent().toString())).append('\n');
        }
        s.append(quote(tools.mknod().toString()))
            .append(" -m ")
            .append(Integer.toOctalString(device.mode()))
            .append(' ')
            .append(quote(node.toString()))
            .append(' ')
            .append(device.type())
            .append(' ')
            .append(device.major())
            .append(' ')
            .append(device.minor())
            .append('\n');
      }
    }

    // A bound /sys is made read-only by a remount that must repeat the flags the kernel locked on
    // kiln's own (an unprivileged container's /sys is read-only already, so that is best effort).
    String bindSys =
        "\"$M\" --rbind /sys "
            + quote(sys.toString())
            + (privileged
                ? ""
                : " && { \"$M\" -o remount,bind,ro,nosuid,nodev,noexec "
                    + quote(sys.toString())
                    + " || :; }");
    if (rootless && request.network().sharesHostNetwork()) {
      // Only the owner of the network namespace may mount sysfs; bind the host's instead.
      // As one group: under set -e a failed bind before "&&" would otherwise be passed over.
      s.append("{ ").append(bindSys).append("; } || exit 1\n");
    } else {
      s.append("\"$M\" -t sysfs -o ")
          .append(privileged ? "" : "ro,")
          .append("nosuid,nodev,noexec sysfs ")
          .append(quote(sys.toString()));
      if (rootless) {
        // Refused like proc where kiln's own /sys is masked (a container's /sys/firmware).
        s.append(" 2>/dev/null || { ").append(bindSys).append("; }");
      }
      s.append('\n');
    }

    if (!privileged) {
      for (String masked : ContainerDefaults.MASKED_PATHS) {
        Path base = masked.startsWith("/proc/") ? proc : sys;
        String rest = masked.substring(masked.indexOf('/', 1) + 1);
        s.append("mask ")
            .append(quote(base.resolve(rest).toString()))
            .append(optional)
            .append('\n');
      }
      for (String readonly : ContainerDefaults.READONLY_PATHS) {
        String rest = readonly.substring("/proc/".length());
        s.append("readonly_proc ")
            .append(quote(proc.resolve(rest).toString()))
            .append(optional)
            .append('\n');
      }
    }

    bindReadOnly(
        s, "--bind", step.hostsFile(), stubs.hostPath(StepTargets.HOSTS).toString(), rootless);
    bindReadOnly(
        s,
        "--bind",
        step.resolvConfFile(),
        stubs.hostPath(StepTargets.RESOLV_CONF).toString(),
        rootless);

    List<SandboxMount> extra =
        request.mounts().stream()
            .sorted(Comparator.comparingInt(m -> ContainerPath.components(m.target()).size()))
            .toList();
    for (SandboxMount m : extra) {
      String target = quote(stubs.hostPath(m.target()).toString());
      if (nestedInAnother(m, extra) || isUnder(m.target(), StepTargets.DEV)) {
        // The enclosing mount (another of the step's, or the fresh tmpfs on /dev, where a heredoc
        // script goes) hides the stub made in the rootfs; make the point on the mount.
        boolean dir =
            !(m instanceof SandboxMount.Bind b) || java.nio.file.Files.isDirectory(b.source());
        if (dir) {
          s.append("[ -e ")
              .append(target)
              .append(" ] || ")
              .append(mkdir)
              .append(" -p ")
              .append(target)
              .append('\n');
        } else {
          s.append("[ -e ")
              .append(target)
              .append(" ] || { ")
              .append(mkdir)
              .append(" -p \"$(dirname ")
              .append(target)
              .append(")\" && : > ")
              .append(target)
              .append("; }\n");
        }
      }
      if (m instanceof SandboxMount.Bind bind) {
        if (bind.readOnly()) {
          bindReadOnly(
              s, "--rbind", bind.source(), stubs.hostPath(m.target()).toString(), rootless);
        } else {
          s.append("\"$M\" --rbind ")
              .append(quote(bind.source().toString()))
              .append(' ')
              .append(target)
              .append('\n');
        }
      } else if (m instanceof SandboxMount.Tmpfs tmpfs) {
        s.append("\"$M\" -t tmpfs -o nosuid,nodev")
            .append(tmpfs.sizeBytes() > 0 ? ",size=" + tmpfs.sizeBytes() : "")
            .append(" tmpfs ")
            .append(target)
            .append('\n');
      }
    }

    // Some seccomp profiles (podman's default) allow sethostname only to a container given
    // CAP_SYS_ADMIN, whatever namespace the caller is in: the step then keeps kiln's host name.
    s.append(quote(tools.hostname().toString()))
        .append(' ')
        .append(quote(request.hostname()))
        .append(rootless ? " 2>/dev/null || :" : "")
        .append('\n');
    if (!request.network().sharesHostNetwork()) {
      s.append(quote(tools.ip().toString())).append(" link set lo up\n");
    }
    s.append("echo ").append(READY).append('\n');
    // Hold the namespaces until kiln closes our stdin (or dies, which closes it too).
    s.append("read _ || :\n");
    return s.toString();
  }

  /**
   * Binds ({@code how}: {@code --bind} or {@code --rbind}) {@code source} read-only on {@code
   * target}. In a user namespace the read-only remount repeats the flags the kernel locked on the
   * source's mount (a secret in a container's {@code /dev/shm} is on a nosuid,nodev,noexec mount),
   * else it is refused.
   */
  static void bindReadOnly(
      StringBuilder s, String how, Path source, String target, boolean rootless) {
    if (!rootless) {
      s.append("\"$M\" ")
          .append(how)
          .append(" -o ro ")
          .append(quote(source.toString()))
          .append(' ')
          .append(quote(target))
          .append('\n');
      return;
    }
    StringBuilder flags = new StringBuilder("remount,bind,ro");
    for (String flag : MountTable.lockedFlagsAt(source)) {
      flags.append(',').append(flag);
    }
    s.append("\"$M\" ")
        .append(how)
        .append(' ')
        .append(quote(source.toString()))
        .append(' ')
        .append(quote(target))
        .append(" && \"$M\" -o ")
        .append(flags)
        .append(' ')
        .append(quote(target))
        // Under set -e a failed bind before "&&" is passed over: the step would get the stub.
        .append(" || exit 1\n");
  }

  private static boolean nestedInAnother(SandboxMount m, List<SandboxMount> all) {
    for (SandboxMount other : all) {
      if (isUnder(m.target(), other.target())) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code path} lies strictly below {@code dir} (both container paths). */
  private static boolean isUnder(String path, String dir) {
    List<String> mine = ContainerPath.components(path);
    List<String> theirs = ContainerPath.components(dir);
    return theirs.size() < mine.size() && mine.subList(0, theirs.size()).equals(theirs);
  }
}
