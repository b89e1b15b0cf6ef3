package dev.kiln.testdata.baseimage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BusyboxRootfsIT {
  @Test
  void holdsBusyboxItsAppletsUsersAndAStickyTmp() throws Exception {
    Map<String, TarArchiveEntry> entries = read(BusyboxRootfs.tar());
    TarArchiveEntry busybox = entries.get("bin/busybox");
    assertTrue(busybox.isFile());
    assertEquals(0755, busybox.getMode() & 07777);
    assertEquals("busybox", entries.get("bin/sh").getLinkName());
    assertEquals("../../bin/busybox", entries.get("usr/bin/awk").getLinkName());
    assertEquals(01777, entries.get("tmp/").getMode() & 07777);
    assertEquals(0700, entries.get("root/").getMode() & 07777);
    assertEquals(1000, entries.get("home/kiln/").getLongUserId());
    assertTrue(entries.containsKey("etc/passwd") && entries.containsKey("etc/group"));
    // Numeric owners only, and a fixed time: nothing from the building host leaks in.
    for (TarArchiveEntry entry : entries.values()) {
      assertEquals("", entry.getUserName(), entry.getName());
      assertEquals(0, entry.getModTime().getTime(), entry.getName());
    }
  }

  @Test
  void isReproducibleAndFollowsSourceDateEpoch(@TempDir Path temp) throws Exception {
    Path first = temp.resolve("a.tar");
    Path second = temp.resolve("b.tar");
    Path dated = temp.resolve("c.tar");
    BusyboxRootfs.build(first, Map.of());
    BusyboxRootfs.build(second, Map.of());
    BusyboxRootfs.build(dated, Map.of("SOURCE_DATE_EPOCH", "1700000000"));
    assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    assertFalse(
        java.util.Arrays.equals(Files.readAllBytes(first), Files.readAllBytes(dated)),
        "SOURCE_DATE_EPOCH changes the entry times");
    assertEquals(1700000000L * 1000, read(dated).get("bin/busybox").getModTime().getTime());
  }

  private static Map<String, TarArchiveEntry> read(Path tar) throws Exception {
    Map<String, TarArchiveEntry> entries = new HashMap<>();
    try (InputStream in = Files.newInputStream(tar);
        TarArchiveInputStream archive = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = archive.getNextEntry(); e != null; e = archive.getNextEntry()) {
        entries.put(e.getName().startsWith("./") ? e.getName().substring(2) : e.getName(), e);
      }
    }
    return entries;
  }
}
