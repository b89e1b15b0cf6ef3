package dev.kiln.core.sandbox;

/**
 * Runs one step's command in an isolated view of a root filesystem: its own mount, pid, ipc and uts
 * namespaces (and network namespace unless the step shares the host's), a minimal {@code /dev},
 * {@code /proc}, a read-only {@code /sys}, and generated {@code /etc/hosts} and {@code
 * /etc/resolv.conf}. Changes the command makes to the rootfs stay in the rootfs; everything the
 * sandbox itself mounts or creates for the step is gone when {@link #run} returns.
 *
 * <p>Get one from {@link SandboxSelector}. Implementations are thread-safe: steps may run in
 * parallel on different root filesystems.
 */
public interface Sandbox {
  /** {@link Isolation#OCI} or {@link Isolation#CHROOT}. */
  Isolation isolation();

  /**
   * Runs the request and returns how it ended; a command that fails is a result, not an exception.
   * When the timeout passes, the whole process tree is killed and the result says so. When the
   * calling thread is interrupted, the same happens and {@link InterruptedException} is thrown.
   *
   * @throws SandboxException when the sandbox itself cannot be set up or torn down
   */
  RunResult run(RunRequest request, OutputListener output) throws InterruptedException;
}
