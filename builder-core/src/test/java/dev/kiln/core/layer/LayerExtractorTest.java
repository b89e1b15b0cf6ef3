package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extraction without the host commands (no devices, FIFOs, owners or xattrs: those are in {@code
 * LayerExtractorIT}), and the hostile layers that must not write outside the target.
 */
class LayerExtractorTest {
  private static final ExtractOptions PLAIN = new ExtractOptions(false, false, false);
  private static final long T = 1_650_000_000L;

  @TempDir Path dir;
  private Path target;
  private Path outside;

  @BeforeEach
  void directories() throws IOException {
    target = Files.createDirectory(dir.resolve("rootfs"));
    outside = Files.createDirectory(dir.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "keep me");
  }

  /** A layer from entries already in canonical order (so a test can put anything anywhere). */
  private static byte[] layer(LayerEntry... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LayerWriter.writeTo(out, List.of(entries), LayerOptions.defaults());
    return out.toByteArray();
  }

  /** A layer from entries in any order. */
  private static byte[] sortedLayer(LayerEntry... entries) throws IOException {
    return layer(new LayerTree().addAll(List.of(entries)).entries().toArray(new LayerEntry[0]));
  }

  private void extract(byte[] layer) throws IOException {
    new LayerExtractor(target, PLAIN).extract(new ByteArrayInputStream(layer));
  }

  private static LayerEntry file(String path, String content) {
    return LayerEntry.regularFile(path, 0644, 0, 0, T, content.getBytes(StandardCharsets.UTF_8));
  }

  private static LayerEntry dir(String path) {
    return LayerEntry.directory(path, 0755, 0, 0, T);
  }

  private Set<String> tree(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.filter(p -> !p.equals(root))
          .map(p -> root.relativize(p).toString())
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private void assertOutsideUntouched() throws IOException {
    assertEquals(Set.of("secret"), tree(outside));
    assertEquals("keep me", Files.readString(outside.resolve("secret")));
    try (Stream<Path> s = Files.list(dir)) {
      Set<String> names = s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
      assertTrue(Set.of("rootfs", "outside", "other").containsAll(names), names.toString());
    }
  }

  @Test
  void filesDirectoriesLinksModesAndTimesAreRestored() throws IOException {
    extract(
        sortedLayer(
            dir("app"),
            LayerEntry.regularFile(
                "app/run", 04755, 0, 0, T + 1, "#!/bin/sh\n".getBytes(StandardCharsets.UTF_8)),
            LayerEntry.hardlink("app/run2", "app/run", 04755, 0, 0, T + 1),
            LayerEntry.symlink("app/odd", "x//y/", 0, 0, T + 2),
            LayerEntry.symlink("app/sh", "/bin/busybox", 0, 0, T + 2),
            LayerEntry.directory("ro", 0555, 0, 0, T + 3),
            file("ro/inside", "written before the directory became read-only"),
            LayerEntry.directory("tmp", 01777, 0, 0, T + 4)));

    Path run = target.resolve("app/run");
    assertEquals("#!/bin/sh\n", Files.readString(run));
    assertEquals(04755, mode(run));
    assertEquals(T + 1, Files.getLastModifiedTime(run).toMillis() / 1000);
    assertEquals(
        Files.getAttribute(run, "unix:ino"),
        Files.getAttribute(target.resolve("app/run2"), "unix:ino"));
    assertEquals("/bin/busybox", Files.readSymbolicLink(target.resolve("app/sh")).toString());
    assertEquals(
        T + 2,
        Files.getLastModifiedTime(target.resolve("app/sh"), LinkOption.NOFOLLOW_LINKS).toMillis()
            / 1000);
    assertEquals("x//y/", readLinkVerbatim(target.resolve("app/odd")));
    assertEquals(0555, mode(target.resolve("ro")));
    assertEquals(T + 3, Files.getLastModifiedTime(target.resolve("ro")).toMillis() / 1000);
    assertEquals(01777, mode(target.resolve("tmp")));
    assertEquals(
        T,
        Files.getLastModifiedTime(target.resolve("app")).toMillis() / 1000,
        "directory times are set last");
  }

  private static int mode(Path p) throws IOException {
    return ((Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)) & 07777;
  }

  // The JDK normalises link targets it returns; readlink(1) shows the stored bytes.
  private static String readLinkVerbatim(Path link) throws IOException {
    Process p = new ProcessBuilder("readlink", "--", link.toString()).start();
    try {
      p.waitFor();
    } catch (InterruptedException e) {
      throw new IOException(e);
    }
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
  }

  @Test
  void whiteoutsRemoveLowerLayerEntriesOnly() throws IOException {
    extract(
        layer(
            dir("a"),
            file("a/b", "b"),
            file("a/c", "c"),
            dir("d"),
            dir("d/sub"),
            file("d/sub/y", "y"),
            file("d/x", "x"),
            file("e", "e")));
    extract(
        layer(
            LayerEntry.whiteout("e", T),
            dir("a"),
            LayerEntry.whiteout("a/b", T),
            dir("d"),
            LayerEntry.opaqueWhiteout("d", T),
            file("d/new", "n")));
    assertEquals(Set.of("a", "a/c", "d", "d/new"), tree(target));
  }

  @Test
  void aWhiteoutNeverHidesAnEntryOfItsOwnLayerWhateverTheOrder() throws IOException {
    extract(layer(dir("d"), file("d/old", "o")));
    // Written by another tool: the opaque marker and a whiteout come after the files they must
    // spare.
    byte[] foreign =
        tar(
            entry("d/", true, 0),
            entry("d/mine", false, 1),
            entry("d/.wh..wh..opq", false, 0),
            entry("kept", false, 1),
            entry(".wh.kept", false, 0));
    extract(foreign);
    assertEquals(Set.of("d", "d/mine", "kept"), tree(target));
  }

  @Test
  void replacingAcrossTypesWorks() throws IOException {
    extract(layer(dir("x"), file("x/inner", "i"), file("y", "y")));
    extract(layer(file("x", "now a file"), dir("y"), file("y/z", "z")));
    assertEquals("now a file", Files.readString(target.resolve("x")));
    assertEquals(Set.of("x", "y", "y/z"), tree(target));
  }

  // ---- hostile layers ----

  private static TarArchiveEntry entry(String name, boolean directory, int size) {
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    if (!directory) {
      e.setSize(size);
    }
    return e;
  }

  private static byte[] tar(TarArchiveEntry... entries) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (TarArchiveEntry e : entries) {
        tar.putArchiveEntry(e);
        tar.write(new byte[(int) e.getSize()]);
        tar.closeArchiveEntry();
      }
    }
    return out.toByteArray();
  }

  private UnsafeLayerEntryException refused(byte[] layer, String entry) throws IOException {
    var e = assertThrows(UnsafeLayerEntryException.class, () -> extract(layer));
    assertEquals(entry, e.entryName());
    assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
    assertOutsideUntouched();
    return e;
  }

  @Test
  void dotDotAndAbsoluteNamesAreRefused() throws IOException {
    refused(tar(entry("../outside/secret", false, 3)), "../outside/secret");
    refused(tar(entry("ok/../../outside/x", false, 3)), "ok/../../outside/x");
    refused(
        tar(entry(outside.resolve("secret").toString(), false, 3)),
        outside.resolve("secret").toString());
  }

  @Test
  void aSymlinkInThePathThatLeadsOutIsRefused() throws IOException {
    String up = "../".repeat(target.getNameCount()) + outside.toString().substring(1);
    // In one layer...
    refused(
        layer(LayerEntry.symlink("link", up, 0, 0, T), file("link/secret", "pwned")),
        "link/secret");
    // ... or planted by a lower layer, possibly through a chain of links.
    Path other = Files.createDirectory(dir.resolve("other"));
    target = other;
    extract(
        layer(LayerEntry.symlink("a", "b", 0, 0, T), LayerEntry.symlink("b", "../..", 0, 0, T)));
    var e = refused(layer(file("a/secret", "pwned")), "a/secret");
    assertTrue(e.getMessage().contains("points outside the target"), e.getMessage());
  }

  @Test
  void absoluteSymlinksResolveInsideTheTargetAsInTheContainer() throws IOException {
    extract(
        layer(
            LayerEntry.symlink("abs", outside.toString(), 0, 0, T), file("abs/secret", "inside")));
    Path landed = target.resolve(outside.toString().substring(1)).resolve("secret");
    assertEquals("inside", Files.readString(landed));
    assertOutsideUntouched();
  }

  @Test
  void aSymlinkAtTheEntryItselfIsReplacedNotFollowed() throws IOException {
    extract(layer(LayerEntry.symlink("f", outside.resolve("secret").toString(), 0, 0, T)));
    extract(layer(LayerEntry.symlink("g", "../outside/secret", 0, 0, T)));
    extract(layer(file("f", "new f"), file("g", "new g")));
    assertFalse(Files.isSymbolicLink(target.resolve("f")));
    assertEquals("new g", Files.readString(target.resolve("g")));
    assertOutsideUntouched();
  }

  @Test
  void hardlinksToOutsideAreRefused() throws IOException {
    TarArchiveEntry dotdot =
        new TarArchiveEntry(
            "h", org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK, true);
    dotdot.setLinkName("../outside/secret");
    refused(tar(dotdot), "h");
    TarArchiveEntry absolute =
        new TarArchiveEntry(
            "h", org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK, true);
    absolute.setLinkName(outside.resolve("secret").toString());
    refused(tar(absolute), "h");
    // Through a symlink planted earlier.
    extract(layer(LayerEntry.symlink("out", "../outside", 0, 0, T)));
    TarArchiveEntry via =
        new TarArchiveEntry(
            "h", org.apache.commons.compress.archivers.tar.TarConstants.LF_LINK, true);
    via.setLinkName("out/secret");
    refused(tar(via), "h");
    assertFalse(Files.exists(target.resolve("h"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void whiteoutsCannotDeleteOutsideTheTarget() throws IOException {
    extract(layer(LayerEntry.symlink("out", "../outside", 0, 0, T)));
    refused(tar(entry("out/.wh.secret", false, 0)), "out/.wh.secret");
    refused(tar(entry("out/.wh..wh..opq", false, 0)), "out/.wh..wh..opq");
    refused(tar(entry("sub/", true, 0), entry("sub/.wh..", false, 0)), "sub/.wh..");
  }
}
