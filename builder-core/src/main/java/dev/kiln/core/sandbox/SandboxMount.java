package dev.kiln.core.sandbox;

import java.nio.file.Path;

/**
 * An extra mount for a step ({@code RUN --mount}), at an absolute path inside the container. The
 * mount point is created for the step when missing and removed again afterwards, so it never shows
 * up in the step's changes.
 */
public sealed interface SandboxMount permits SandboxMount.Bind, SandboxMount.Tmpfs {
  /** Absolute path inside the container. */
  String target();

  /** A host file or directory bound into the container, read-only or read-write. */
  record Bind(Path source, String target, boolean readOnly) implements SandboxMount {
    public Bind {
      source = source.toAbsolutePath();
      target = checkTarget(target);
    }
  }

  /** A fresh tmpfs; {@code sizeBytes == 0} means the kernel's default size. */
  record Tmpfs(String target, long sizeBytes) implements SandboxMount {
    public Tmpfs {
      target = checkTarget(target);
      if (sizeBytes < 0) {
        throw new IllegalArgumentException("tmpfs size must not be negative: " + sizeBytes);
      }
    }
  }

  private static String checkTarget(String target) {
    String normalized = ContainerPath.normalize(target);
    if (normalized.equals("/")) {
      throw new IllegalArgumentException("cannot mount over the container's root directory");
    }
    return normalized;
  }
}
