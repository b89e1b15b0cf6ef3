package dev.kiln.core.layer;

/**
 * What {@link LayerExtractor} restores besides names, content, modes and times.
 *
 * @param owners set each entry's uid/gid ({@code lchown}); needs root to give files away
 * @param devices create device nodes ({@code mknod}, needs root or CAP_MKNOD); when false, device
 *     entries are skipped (FIFOs are always created)
 * @param xattrs set extended attributes ({@code setfattr}); {@code security.capability} needs root
 */
public record ExtractOptions(boolean owners, boolean devices, boolean xattrs) {
  /** Everything, as root extracting an image's root file system needs. */
  public static ExtractOptions full() {
    return new ExtractOptions(true, true, true);
  }

  /** What an unprivileged user can do: no ownership, no device nodes, no xattrs. */
  public static ExtractOptions unprivileged() {
    return new ExtractOptions(false, false, false);
  }
}
