package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectoryEntriesTest {
  @TempDir Path dir;

  @Test
  void aTreeBecomesEntriesInCanonicalOrderUnderTheDestination() throws IOException {
    Path src = Files.createDirectory(dir.resolve("src"));
    Path sub = Files.createDirectory(src.resolve("sub"));
    Files.setPosixFilePermissions(sub, PosixFilePermissions.fromString("rwxr-x---"));
    Path file = Files.writeString(sub.resolve("file"), "hello");
    Files.setLastModifiedTime(file, FileTime.fromMillis(1_234_567_890_999L));
    Files.createLink(sub.resolve("hard"), file);
    Files.createSymbolicLink(sub.resolve("link"), Path.of("../nowhere"));
    Files.writeString(src.resolve("sub-sibling"), "s");
    Files.writeString(src.resolve("Z"), "z");
    try (ServerSocketChannel socket =
        ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
      socket.bind(UnixDomainSocketAddress.of(src.resolve("socket")));

      List<LayerEntry> entries = DirectoryEntries.read(src, "app", false);

      assertEquals(
          List.of(
              "app",
              "app/Z",
              "app/sub",
              "app/sub/file",
              "app/sub/hard",
              "app/sub/link",
              "app/sub-sibling"),
          entries.stream().map(LayerEntry::path).toList(),
          "canonical order, socket skipped");
    }
    List<LayerEntry> entries = DirectoryEntries.read(src, "app", false);
    assertEquals(0750, entries.get(2).mode());
    LayerEntry f = entries.get(3);
    assertEquals(EntryType.REGULAR, f.type());
    assertEquals(5, f.size());
    assertEquals(1_234_567_890L, f.mtime(), "whole seconds");
    try (InputStream in = f.content().open()) {
      assertEquals("hello", new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    }
    assertEquals(
        LayerEntry.hardlink("app/sub/hard", "app/sub/file", f.mode(), f.uid(), f.gid(), f.mtime()),
        entries.get(4));
    assertEquals("../nowhere", entries.get(5).linkTarget());
    assertEquals(entries, new LayerTree().addAll(entries).entries(), "already canonical");
  }

  @Test
  void aSingleFileIsOneEntryAndTheRootTakesOnlyChildren() throws IOException {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertEquals(
        List.of("dest/f2"),
        DirectoryEntries.read(file, "dest/f2", false).stream().map(LayerEntry::path).toList());
    assertThrows(IllegalArgumentException.class, () -> DirectoryEntries.read(file, "", false));
    Files.createDirectory(dir.resolve("d"));
    Files.writeString(dir.resolve("d/inner"), "i");
    assertEquals(
        List.of("inner"),
        DirectoryEntries.read(dir.resolve("d"), "", false).stream().map(LayerEntry::path).toList());
    Path link = Files.createSymbolicLink(dir.resolve("l"), Path.of("d"));
    assertEquals(
        EntryType.SYMLINK,
        DirectoryEntries.read(link, "l", false).get(0).type(),
        "links are not followed");
    assertTrue(Files.isSymbolicLink(link) && Files.exists(link, LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void filesNamedLikeWhiteoutsAreRefused() throws IOException {
    Path src = Files.createDirectory(dir.resolve("src"));
    Files.writeString(src.resolve(".wh.config"), "not a deletion");
    var e = assertThrows(IOException.class, () -> DirectoryEntries.read(src, "app", false));
    assertTrue(e.getMessage().contains(".dockerignore"), e.getMessage());
  }
}
