package dev.kiln.core.checksum;

import static dev.kiln.core.checksum.Contexts.checksummer;
import static dev.kiln.core.checksum.Contexts.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The mutations of issue 7 that a content checksum must (or must not) see. */
class TreeChecksummerTest {
  @TempDir Path ctx;

  @BeforeEach
  void context() throws IOException {
    file(ctx, "src/main.c", "int main() { return 0; }\n");
    file(ctx, "src/util/util.c", "void util() {}\n");
    file(ctx, "README", "hello\n");
  }

  private Digest sum(String path, String... ignore) throws IOException {
    return checksummer(ctx, ignore).checksum(path);
  }

  @Test
  void contentEditWithTheModificationTimeKeptChangesIt() throws IOException {
    Digest before = sum("src");
    Path main = ctx.resolve("src/main.c");
    // Same length, same mtime: only the bytes differ.
    Contexts.keepMtime(main, () -> Files.writeString(main, "int main() { return 1; }\n"));
    assertNotEquals(before, sum("src"));
    assertNotEquals(before, sum(""));
  }

  @Test
  void touchWithoutEditKeepsIt() throws IOException {
    Digest before = sum("src");
    Files.setLastModifiedTime(
        ctx.resolve("src/main.c"), FileTime.from(Instant.parse("2001-01-01T00:00:00Z")));
    Files.setLastModifiedTime(ctx.resolve("src"), FileTime.from(Instant.now()));
    assertEquals(before, sum("src"));
  }

  @Test
  void renameInsideADirectoryChangesTheDirectory() throws IOException {
    Digest before = sum("src");
    Files.move(ctx.resolve("src/util/util.c"), ctx.resolve("src/util/helpers.c"));
    assertNotEquals(before, sum("src"));
  }

  @Test
  void chmodChangesIt() throws IOException {
    Digest before = sum("src");
    Files.setPosixFilePermissions(
        ctx.resolve("src/main.c"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Digest executable = sum("src");
    assertNotEquals(before, executable);
    Files.setAttribute(ctx.resolve("src/main.c"), "unix:mode", 04755);
    assertNotEquals(executable, sum("src"), "setuid is part of the mode");
  }

  @Test
  void ownersOfContextFilesDoNotCountButOwnersInAStageDo() throws IOException {
    // COPY gives context files to root (or --chown's user), so who owns them on the building
    // machine cannot change the result: two checkouts by different users share cache entries.
    Digest before = sum("src");
    Files.setAttribute(ctx.resolve("src/main.c"), "unix:uid", 4242);
    Files.setAttribute(ctx.resolve("src/main.c"), "unix:gid", 4242);
    assertEquals(before, sum("src"));

    // In another stage's files the owner is copied along, so it counts.
    Digest stageBefore =
        new TreeChecksummer(DirectoryTree.plain(ctx, "stage")).select(List.of("src")).digest();
    Files.setAttribute(ctx.resolve("src/main.c"), "unix:uid", 4343);
    assertNotEquals(
        stageBefore,
        new TreeChecksummer(DirectoryTree.plain(ctx, "stage")).select(List.of("src")).digest());
  }

  @Test
  void symlinkRetargetChangesIt() throws IOException {
    Files.createSymbolicLink(ctx.resolve("src/current"), Path.of("main.c"));
    Digest before = sum("src");
    Files.delete(ctx.resolve("src/current"));
    Files.createSymbolicLink(ctx.resolve("src/current"), Path.of("util/util.c"));
    assertNotEquals(before, sum("src"));
  }

  @Test
  void aNewFileTheIgnoreFileExcludesChangesNothing() throws IOException {
    Digest root = sum("", "*.log", "src/**/*.tmp");
    Digest src = sum("src", "*.log", "src/**/*.tmp");
    file(ctx, "build.log", "noise");
    file(ctx, "src/util/x.tmp", "noise");
    assertEquals(root, sum("", "*.log", "src/**/*.tmp"));
    assertEquals(src, sum("src", "*.log", "src/**/*.tmp"));
    assertNotEquals(root, sum(""), "without the patterns the new files count");
  }

  @Test
  void anExceptionReincludesAFileInsideAnIgnoredDirectory() throws IOException {
    file(ctx, "docs/keep.md", "keep");
    file(ctx, "docs/drop.md", "drop");
    TreeChecksummer c = checksummer(ctx, "docs", "!docs/keep.md");
    assertEquals(List.of("keep.md"), c.tree().childNames("docs"));
    Digest before = c.checksum("");
    file(ctx, "docs/drop.md", "changed");
    assertEquals(before, checksummer(ctx, "docs", "!docs/keep.md").checksum(""));
    file(ctx, "docs/keep.md", "changed");
    assertNotEquals(before, checksummer(ctx, "docs", "!docs/keep.md").checksum(""));
  }

  @Test
  void theCapabilityAttributeIsPartOfAFile() throws IOException {
    Path main = ctx.resolve("src/main.c").toRealPath();
    Digest without = checksumWithCapabilities(Map.of());
    Digest with = checksumWithCapabilities(Map.of(main, new byte[] {1, 0, 0, 2}));
    Digest other = checksumWithCapabilities(Map.of(main, new byte[] {1, 0, 0, 3}));
    assertNotEquals(without, with);
    assertNotEquals(with, other);
  }

  private Digest checksumWithCapabilities(Map<Path, byte[]> caps) throws IOException {
    return new TreeChecksummer(
            DirectoryTree.context(
                ctx,
                PatternMatcher.of(List.of()),
                StatMemo.inMemory(),
                ContentReader.FILES,
                Contexts.capabilities(caps),
                Contexts.LATER))
        .checksum("src");
  }

  @Test
  void aFileAndADirectoryWithTheSameBytesDiffer() throws IOException {
    file(ctx, "a/x", "1");
    file(ctx, "b", "");
    assertNotEquals(sum("a"), sum("b"));
  }

  @Test
  void aMissingPathIsReported() {
    SourceNotFoundException e = assertThrows(SourceNotFoundException.class, () -> sum("nope"));
    assertTrue(e.getMessage().contains("the build context"), e.getMessage());
  }

  @Test
  void movingBytesBetweenNameAndContentChangesTheDirectory() throws IOException {
    Path one = Files.createTempDirectory(ctx.getParent(), "one");
    Path two = Files.createTempDirectory(ctx.getParent(), "two");
    file(one, "ab", "c");
    file(two, "a", "bc");
    Files.setPosixFilePermissions(one, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(two, PosixFilePermissions.fromString("rwxr-xr-x"));
    assertNotEquals(checksummer(one).checksum(""), checksummer(two).checksum(""));
  }
}
