package dev.kiln.core.layer;

import dev.kiln.core.host.XattrPrograms;

/**
 * What {@link LayerExtractor} restores besides names, content, modes and times.
 *
 * @param owners set each entry's uid/gid ({@code lchown}); needs root to give files away
 * @param devices create device nodes ({@code mknod}, needs root or CAP_MKNOD); when false, device
 *     entries are skipped (FIFOs are always created)
 * @param xattrs set extended attributes ({@code setfattr}); {@code security.capability} needs root;
 *     without setfattr only {@code user.*} ones ({@link ExtendedAttributes})
 * @param overlayWhiteouts keep whiteouts in overlayfs form instead of applying them: {@code
 *     .wh.name} becomes a character device 0/0 at {@code name} and {@code .wh..wh..opq} the {@code
 *     trusted.overlay.opaque=y} attribute of its directory (with {@code xattrs}; without, the
 *     unprivileged {@code user.overlay.opaque=y}, which overlayfs reads when mounted with {@code
 *     userxattr} and kiln's copy snapshotter always reads). That is how a layer is unpacked into
 *     its own directory to serve as an overlay lower layer for RUN.
 */
public record ExtractOptions(
    boolean owners, boolean devices, boolean xattrs, boolean overlayWhiteouts) {
  public ExtractOptions(boolean owners, boolean devices, boolean xattrs) {
    this(owners, devices, xattrs, false);
  }

  /** One layer into its own directory as an overlayfs lower layer (needs root). */
  public static ExtractOptions overlayLayer() {
    return new ExtractOptions(true, true, true, true);
  }

  /**
   * One layer into its own directory as a lower layer, without privilege: files belong to the user
   * who runs kiln (a rootless step sees them as root's), device nodes and attributes are left out,
   * whiteouts are the 0/0 devices Linux lets anyone create (since 5.8).
   */
  public static ExtractOptions unprivilegedOverlayLayer() {
    return new ExtractOptions(false, false, false, true);
  }

  /**
   * The attribute that marks an opaque directory in a layer unpacked with these options: the
   * unprivileged one unless kiln sets attributes and has setfattr to set a {@code trusted.*} one.
   */
  public String opaqueAttribute() {
    return xattrs && XattrPrograms.installed() ? "trusted.overlay.opaque" : "user.overlay.opaque";
  }

  /** Everything, as root extracting an image's root file system needs. */
  public static ExtractOptions full() {
    return new ExtractOptions(true, true, true);
  }

  /** What an unprivileged user can do: no ownership, no device nodes, no xattrs. */
  public static ExtractOptions unprivileged() {
    return new ExtractOptions(false, false, false);
  }
}
