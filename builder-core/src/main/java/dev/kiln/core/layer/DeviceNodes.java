package dev.kiln.core.layer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Creates device nodes and FIFOs with the {@code mknod} command (coreutils).
 *
 * <p>The JDK has no {@code mknod(2)}: neither NIO nor any file attribute view can create a device
 * node or a named pipe, so kiln runs the command. Device nodes need root (or CAP_MKNOD); without it
 * the command fails and the error says so.
 */
final class DeviceNodes {
  private DeviceNodes() {}

  /** Creates a character/block device or FIFO at {@code path}, which must not exist. */
  static void create(Path path, EntryType type, int mode, int major, int minor) throws IOException {
    String mode4 = String.format("%04o", mode);
    List<String> command =
        switch (type) {
          case CHAR_DEVICE ->
              List.of(
                  "mknod",
                  "-m",
                  mode4,
                  "--",
                  path.toString(),
                  "c",
                  Integer.toString(major),
                  Integer.toString(minor));
          case BLOCK_DEVICE ->
              List.of(
                  "mknod",
                  "-m",
                  mode4,
                  "--",
                  path.toString(),
                  "b",
                  Integer.toString(major),
                  Integer.toString(minor));
          case FIFO -> List.of("mknod", "-m", mode4, "--", path.toString(), "p");
          default -> throw new IllegalArgumentException(type + " is not a device or FIFO");
        };
    HostCommand.run(
        command,
        "creating "
            + type.toString().toLowerCase(java.util.Locale.ROOT)
            + " "
            + path
            + (type == EntryType.FIFO ? "" : " (device nodes need root or CAP_MKNOD)"),
        "coreutils");
  }
}
