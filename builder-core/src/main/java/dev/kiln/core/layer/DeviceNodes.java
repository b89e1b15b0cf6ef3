package dev.kiln.core.layer;

import dev.kiln.core.host.HostCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Creates device nodes and FIFOs, with their owner, mode and mtime, using coreutils commands.
 *
 * <p>The JDK has no {@code mknod(2)}: nothing in NIO can create a device node or a named pipe. Nor
 * can its attribute setters be used on them afterwards: to change a mode or a time the JDK opens
 * the file first, and opening a FIFO blocks until a writer appears (opening a device could even act
 * on the device). So the metadata is set by commands that never open the node: {@code mknod -m},
 * {@code chown -h}, {@code chmod} and {@code touch -h}. Device nodes need root (or CAP_MKNOD);
 * without it the command fails and the error says so.
 */
final class DeviceNodes {
  private DeviceNodes() {}

  /**
   * Creates a character/block device or FIFO at {@code path} (which must not exist) for {@code
   * entry}, owned by the entry's uid/gid if {@code owners}.
   */
  static void create(Path path, LayerEntry entry, boolean owners) throws IOException {
    String kind = entry.type().toString().toLowerCase(Locale.ROOT).replace('_', ' ');
    String mode = String.format("%04o", entry.mode());
    String file = path.toString();
    List<String> mknod = new ArrayList<>(List.of("mknod", "-m", mode, "--", file));
    switch (entry.type()) {
      case CHAR_DEVICE ->
          mknod.addAll(
              List.of("c", Integer.toString(entry.devMajor()), Integer.toString(entry.devMinor())));
      case BLOCK_DEVICE ->
          mknod.addAll(
              List.of("b", Integer.toString(entry.devMajor()), Integer.toString(entry.devMinor())));
      case FIFO -> mknod.add("p");
      default -> throw new IllegalArgumentException(entry.type() + " is not a device or FIFO");
    }
    String what =
        "create "
            + kind
            + " "
            + file
            + (entry.type() == EntryType.FIFO ? "" : " (device nodes need root or CAP_MKNOD)");
    coreutils(mknod, what);
    if (owners) {
      // '+' makes chown take the numbers as ids even where a user has such a name.
      coreutils(
          List.of("chown", "-h", "+" + entry.uid() + ":+" + entry.gid(), "--", file),
          "set the owner of " + file);
      if ((entry.mode() & 07000) != 0) {
        // chown clears setuid/setgid; put them back.
        coreutils(List.of("chmod", mode, "--", file), "set the mode of " + file);
      }
    }
  }

  /** Sets the mtime of {@code path} itself without opening it. */
  static void setMtime(Path path, long mtime) throws IOException {
    coreutils(
        List.of("touch", "-h", "-m", "-d", "@" + mtime, "--", path.toString()),
        "set the time of " + path);
  }

  private static void coreutils(List<String> command, String what) throws IOException {
    HostCommand.of(command).providedBy("coreutils").run().requireSuccess(what);
  }
}
