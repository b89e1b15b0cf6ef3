package dev.kiln.core.sandbox;

/**
 * How much of the machine a step may reach ({@code RUN --security=…}); the same in every backend.
 *
 * <ul>
 *   <li>{@link #SANDBOX}: the container defaults of {@link ContainerDefaults}: Docker's capability
 *       set, a minimal {@code /dev}, parts of {@code /proc} and {@code /sys} hidden or read-only.
 *   <li>{@link #INSECURE}: what BuildKit's insecure mode and {@code docker run --privileged} give
 *       ({@link FullPrivileges}): every capability kiln holds, in every set and for every user;
 *       nothing of {@code /proc} hidden or read-only; {@code /sys} writable; and, when kiln is
 *       root, every device allowed and BuildKit's extra device nodes (fuse, kvm, loop devices…) in
 *       {@code /dev}. Only for Dockerfiles the user trusts: the builder grants it per build ({@code
 *       --allow security.insecure}).
 * </ul>
 */
public enum SecurityMode {
  SANDBOX,
  INSECURE
}
