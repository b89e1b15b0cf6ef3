package dev.kiln.core.layer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Entries of every kind a layer can hold, shared by the layer tests. */
final class SampleEntries {
  /**
   * A {@code security.capability} value (cap_net_bind_service, effective) as the kernel stores it.
   */
  static final byte[] CAPABILITY = {
    0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00
  };

  /** Bytes no text encoding survives: high bytes, NUL, newline, '='. */
  static final byte[] BINARY = {(byte) 0x80, (byte) 0xff, 0x00, 0x0a, '=', (byte) 0xc3, 0x28};

  static final String LONG_NAME =
      "deep/" + "d".repeat(120) + "/" + "e".repeat(150) + "/" + "f".repeat(140) + ".txt";

  private SampleEntries() {}

  static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** One of everything, in no particular order, with mtimes after 2001 (for clamping tests). */
  static List<LayerEntry> everything() {
    long t = 1_700_000_000L;
    List<LayerEntry> list = new ArrayList<>();
    list.add(LayerEntry.directory("usr", 0755, 0, 0, t));
    list.add(LayerEntry.directory("usr/bin", 0755, 0, 0, t + 1));
    list.add(
        LayerEntry.regularFile("usr/bin/ping", 04755, 0, 0, t + 2, text("#!ping\n"))
            .withXattrs(Map.of("security.capability", CAPABILITY, "user.odd", BINARY)));
    list.add(LayerEntry.hardlink("usr/bin/ping6", "usr/bin/ping", 04755, 0, 0, t + 2));
    list.add(LayerEntry.symlink("usr/bin/sh", "/bin/busybox", 0, 0, t + 3));
    list.add(LayerEntry.symlink("usr/bin/rel", "../../" + "x".repeat(200), 0, 0, t + 3));
    list.add(LayerEntry.directory("tmp", 01777, 0, 0, t + 4));
    list.add(LayerEntry.directory("srv", 02775, 1000, 50, t + 4));
    list.add(LayerEntry.regularFile("srv/empty", 0600, 1000, 50, t + 5, new byte[0]));
    list.add(LayerEntry.regularFile("srv/big-ids", 0640, 3_000_000, 4_000_000, t + 5, text("ids")));
    list.add(LayerEntry.regularFile("srv/caf\u00e9 \ud83d\ude00", 0644, 0, 0, t + 6, text("utf8")));
    list.add(LayerEntry.device("dev/null", EntryType.CHAR_DEVICE, 0666, 0, 0, t + 7, 1, 3));
    list.add(LayerEntry.device("dev/loop0", EntryType.BLOCK_DEVICE, 0660, 0, 6, t + 7, 7, 0));
    list.add(LayerEntry.fifo("run/pipe", 0620, 0, 0, t + 8));
    list.add(LayerEntry.regularFile(LONG_NAME, 0644, 0, 0, t + 9, text("long")));
    list.add(LayerEntry.whiteout("etc/removed", t + 10));
    list.add(LayerEntry.opaqueWhiteout("var/cache", t + 10));
    list.add(LayerEntry.directory("var/cache", 0755, 0, 0, t + 10));
    return list;
  }
}
