package dev.kiln.core.layer;

/**
 * A layer entry that would write outside the directory it is extracted into: an absolute name, a
 * {@code ..} component, a path through a symlink that leads out, or a hardlink to outside. The
 * whole layer is refused; nothing after this entry is applied.
 */
public final class UnsafeLayerEntryException extends LayerFormatException {
  private final String entryName;

  public UnsafeLayerEntryException(String entryName, String reason) {
    super("refusing layer: entry '" + excerpt(entryName) + "' " + reason);
    this.entryName = entryName;
  }

  /** The entry's name as it appears in the tar. */
  public String entryName() {
    return entryName;
  }
}
