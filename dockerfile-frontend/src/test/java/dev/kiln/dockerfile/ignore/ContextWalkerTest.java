package dev.kiln.dockerfile.ignore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextWalkerTest {
  @TempDir Path ctx;

  private void touch(String path) throws IOException {
    Path p = ctx.resolve(path);
    Files.createDirectories(p.getParent());
    Files.writeString(p, path);
  }

  private List<String> walk(List<String> patterns) throws IOException {
    return new ContextWalker(PatternMatcher.of(patterns))
        .walk(ctx).stream().map(e -> e.kind().name().charAt(0) + " " + e.path()).toList();
  }

  @Test
  void walkIsByteSortedWithParentsFirst() throws IOException {
    touch("a-b");
    touch("a/x");
    touch("B");
    touch("a/.hidden");
    assertEquals(List.of("F B", "D a", "F a/.hidden", "F a/x", "F a-b"), walk(List.of()));
  }

  @Test
  void excludedDirectoryIsNotEnteredWithoutAnException() throws IOException {
    touch("node_modules/pkg/index.js");
    touch("src/app.js");
    List<String> patterns = List.of("node_modules", "!src/keep");
    assertFalse(PatternMatcher.of(patterns).couldReincludeBelow("node_modules"));
    assertTrue(
        PatternMatcher.of(List.of("node_modules", "!*/pkg")).couldReincludeBelow("node_modules"));
    assertEquals(List.of("D src", "F src/app.js"), walk(patterns));
  }

  @Test
  void exceptionReincludesBelowAnExcludedDirectory() throws IOException {
    touch("docs/a.md");
    touch("docs/README.md");
    touch("docs/sub/README.md");
    assertEquals(
        List.of("D docs", "F docs/README.md", "D docs/sub", "F docs/sub/README.md"),
        walk(List.of("docs", "!docs/**/README.md", "!docs/README.md")));
  }

  @Test
  void dockerfileSpecificIgnoreFileWins() throws IOException {
    Files.writeString(ctx.resolve(".dockerignore"), "a\n");
    Files.writeString(ctx.resolve("Dockerfile.dockerignore"), "# comment\n/b\n!c\n");
    assertEquals(List.of("b", "!c"), IgnoreFile.load(ctx, ctx.resolve("Dockerfile")));
    assertEquals(List.of("a"), IgnoreFile.load(ctx, ctx.resolve("other.Dockerfile")));
  }
}
