package dev.kiln.core.checksum;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.core.layer.LayerEntry;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code COPY --from}: the content of the selected paths of a stage, not its history. */
class LayerEntryTreeTest {
  @TempDir Path dir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<LayerEntry> stage(long mtime, String binary) {
    return List.of(
        LayerEntry.directory("app", 0755, 0, 0, mtime),
        LayerEntry.directory("app/bin", 0755, 0, 0, mtime),
        LayerEntry.regularFile("app/bin/tool", 0755, 0, 0, mtime, utf8(binary)),
        LayerEntry.symlink("app/bin/t", "tool", 0, 0, mtime),
        LayerEntry.regularFile("etc/unrelated", 0644, 0, 0, mtime, utf8("x")));
  }

  private static TreeChecksummer of(List<LayerEntry> entries) {
    return new TreeChecksummer(new LayerEntryTree(entries, "stage build"));
  }

  @Test
  void aStageRebuiltToIdenticalFilesHasTheSameChecksum() throws IOException {
    // Different mtimes (another build, another day), same files.
    assertEquals(
        of(stage(1000, "v1")).select(List.of("/app/bin")).digest(),
        of(stage(2000, "v1")).select(List.of("/app/bin")).digest());
  }

  @Test
  void onlyTheSelectedPathsCount() throws IOException {
    List<LayerEntry> changedElsewhere = new ArrayList<>(stage(1000, "v1"));
    changedElsewhere.set(4, LayerEntry.regularFile("etc/unrelated", 0644, 0, 0, 1, utf8("y")));
    assertEquals(
        of(stage(1000, "v1")).select(List.of("app/bin")).digest(),
        of(changedElsewhere).select(List.of("app/bin")).digest());
    assertNotEquals(
        of(stage(1000, "v1")).select(List.of("app/bin")).digest(),
        of(stage(1000, "v2")).select(List.of("app/bin")).digest());
  }

  @Test
  void entriesAndTheSameFilesOnDiskAgree() throws IOException {
    Path root = dir.resolve("rootfs");
    Files.createDirectories(root.resolve("app/bin"));
    Files.writeString(root.resolve("app/bin/tool"), "v1");
    Files.setPosixFilePermissions(
        root.resolve("app/bin/tool"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(
        root.resolve("app/bin"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createSymbolicLink(root.resolve("app/bin/t"), Path.of("tool"));
    TreeChecksummer disk =
        new TreeChecksummer(
            DirectoryTree.context(
                root,
                PatternMatcher.of(List.of()),
                StatMemo.inMemory(),
                ContentReader.FILES,
                CapabilityReader.NONE,
                Contexts.LATER));

    assertEquals(
        of(stage(1, "v1")).select(List.of("app/bin")).digest(),
        disk.select(List.of("app/bin")).digest());
  }

  @Test
  void implicitParentsAndHardlinksAreHandled() throws IOException {
    List<LayerEntry> entries =
        List.of(
            LayerEntry.regularFile("a/b/file", 0644, 0, 0, 0, utf8("data")),
            LayerEntry.hardlink("a/b/link", "a/b/file", 0644, 0, 0, 0));
    TreeChecksummer c = of(entries);
    assertEquals(List.of("b"), c.tree().childNames("a"));
    List<LayerEntry> other =
        List.of(
            LayerEntry.regularFile("a/b/file", 0644, 0, 0, 0, utf8("DATA")),
            LayerEntry.hardlink("a/b/link", "a/b/file", 0644, 0, 0, 0));
    assertNotEquals(c.checksum("a/b/link"), of(other).checksum("a/b/link"));
  }

  @Test
  void capabilitiesInEntriesCount() throws IOException {
    LayerEntry plain = LayerEntry.regularFile("bin/ping", 0755, 0, 0, 0, utf8("elf"));
    LayerEntry capable = plain.withXattrs(Map.of("security.capability", new byte[] {1, 2}));
    assertNotEquals(
        of(List.of(plain)).checksum("bin/ping"), of(List.of(capable)).checksum("bin/ping"));
  }

  @Test
  void whiteoutsAreRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LayerEntryTree(List.of(LayerEntry.whiteout("gone", 0)), "stage"));
  }
}
