package dev.kiln.core.layer;

/**
 * The kinds of file a layer can hold. Sockets are not among them: a tar archive cannot represent
 * one, so sources skip them.
 */
public enum EntryType {
  REGULAR,
  DIRECTORY,
  SYMLINK,
  /** A second name for a regular file earlier in the same layer. */
  HARDLINK,
  CHAR_DEVICE,
  BLOCK_DEVICE,
  FIFO;

  /** Whether entries of this type carry a device number. */
  public boolean isDevice() {
    return this == CHAR_DEVICE || this == BLOCK_DEVICE;
  }
}
