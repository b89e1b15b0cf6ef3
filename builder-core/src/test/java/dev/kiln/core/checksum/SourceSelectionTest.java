package dev.kiln.core.checksum;

import static dev.kiln.core.checksum.Contexts.checksummer;
import static dev.kiln.core.checksum.Contexts.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code COPY src... dest} keys on: exactly what it copies. */
class SourceSelectionTest {
  @TempDir Path ctx;

  @BeforeEach
  void context() throws IOException {
    file(ctx, "src/a.txt", "a");
    file(ctx, "src/b.txt", "b");
    file(ctx, "src/c.md", "c");
    file(ctx, "docs/guide.md", "guide");
    file(ctx, "package.json", "{}");
  }

  private SourceSelection select(String... sources) throws IOException {
    return checksummer(ctx).select(List.of(sources));
  }

  private static List<String> paths(SourceSelection s) {
    return s.paths().stream().map(SelectedPath::path).toList();
  }

  @Test
  void aDirectorySourceKeysOnItsContentOnly() throws IOException {
    Digest before = select("src/").digest();
    file(ctx, "docs/guide.md", "changed outside");
    file(ctx, "package.json", "{\"changed\":true}");
    assertEquals(before, select("src/").digest());
    file(ctx, "src/c.md", "changed inside");
    assertNotEquals(before, select("src/").digest());
  }

  @Test
  void spellingsOfOnePathAreOneSource() throws IOException {
    Digest d = select("src").digest();
    assertEquals(d, select("/src").digest());
    assertEquals(d, select("./src/").digest());
    assertEquals(d, select("../../src").digest(), "'..' cannot leave the context");
  }

  @Test
  void aWildcardSelectsMatchingNamesInByteOrder() throws IOException {
    SourceSelection s = select("src/*.txt");
    assertEquals(List.of("src/a.txt", "src/b.txt"), paths(s));
    Digest before = s.digest();
    file(ctx, "src/d.md", "no match");
    assertEquals(before, select("src/*.txt").digest());
    file(ctx, "src/0.txt", "a new match");
    assertEquals(List.of("src/0.txt", "src/a.txt", "src/b.txt"), paths(select("src/*.txt")));
    assertNotEquals(before, select("src/*.txt").digest());
  }

  @Test
  void wildcardsWorkInEveryComponent() throws IOException {
    assertEquals(List.of("docs/guide.md", "src/c.md"), paths(select("*/*.md")));
    assertEquals(List.of("src/a.txt", "src/b.txt"), paths(select("s?c/[ab].txt")));
  }

  @Test
  void severalSourcesKeepTheirOrder() throws IOException {
    SourceSelection ab = select("package.json", "src/a.txt");
    SourceSelection ba = select("src/a.txt", "package.json");
    assertEquals(List.of("package.json", "src/a.txt"), paths(ab));
    assertNotEquals(ab.digest(), ba.digest());
  }

  @Test
  void aRenamedSelectedFileChangesTheSelection() throws IOException {
    Digest before = select("src/*.txt").digest();
    Files.move(ctx.resolve("src/b.txt"), ctx.resolve("src/bb.txt"));
    assertNotEquals(before, select("src/*.txt").digest());
  }

  @Test
  void aMissingSourceOrEmptyWildcardIsAnError() {
    SourceNotFoundException missing =
        assertThrows(SourceNotFoundException.class, () -> select("nope.txt"));
    assertEquals("nope.txt", missing.source());
    assertTrue(missing.getMessage().contains(".dockerignore"), missing.getMessage());
    SourceNotFoundException empty =
        assertThrows(SourceNotFoundException.class, () -> select("src/*.java"));
    assertTrue(empty.getMessage().contains("matches no file"), empty.getMessage());
  }

  @Test
  void anIgnoredSourceIsNotFound() {
    assertThrows(
        SourceNotFoundException.class,
        () -> checksummer(ctx, "docs").select(List.of("docs/guide.md")));
  }

  @Test
  void aSymlinkedSourceKeysOnTheLinkAndItsTarget() throws IOException {
    Files.createSymbolicLink(ctx.resolve("current"), Path.of("src/a.txt"));
    Digest before = select("current").digest();
    file(ctx, "src/a.txt", "edited target");
    assertNotEquals(before, select("current").digest());
  }

  @Test
  void symlinkedDirectoriesInTheSourcePathAreFollowedInsideTheContext() throws IOException {
    Files.createSymbolicLink(ctx.resolve("alias"), Path.of("src"));
    Files.createSymbolicLink(ctx.resolve("escape"), Path.of("/../../src"));
    SourceSelection s = select("alias/a.txt");
    assertEquals("src/a.txt", s.paths().get(0).resolvedPath());
    assertEquals(select("src/a.txt").paths().get(0).checksum(), s.paths().get(0).checksum());
    // An absolute or climbing target is resolved from the context root, never outside it.
    assertEquals("src/a.txt", select("escape/a.txt").paths().get(0).resolvedPath());
  }

  @Test
  void theWholeContextIsOneSource() throws IOException {
    SourceSelection s = select(".");
    assertEquals(List.of(""), paths(s));
    assertEquals(checksummer(ctx).checksum(""), s.paths().get(0).checksum());
  }

  @Test
  void aMalformedWildcardIsRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> select("src/[a.txt"));
    assertTrue(e.getMessage().contains("src/[a.txt"), e.getMessage());
  }
}
