package dev.kiln.core.fs.path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.core.fs.path.PathResolver.Escape;
import dev.kiln.core.fs.path.PathResolver.Node;
import dev.kiln.core.fs.path.PathResolver.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one resolver of paths inside a root, as a table: each row is a path in the same small tree,
 * whether the last component is followed, and where it must land. The same table runs against an
 * in-memory tree and against the same tree made of real directories and symlinks on disk, so the
 * host adapter cannot drift from the rules.
 */
class PathResolverTest {
  /** The tree every row resolves in: a merged-usr root with hostile links. */
  private static final Map<String, Node> TREE =
      Map.ofEntries(
          Map.entry("", Node.DIRECTORY),
          Map.entry("etc", Node.DIRECTORY),
          Map.entry("etc/passwd", Node.OTHER),
          Map.entry("usr", Node.DIRECTORY),
          Map.entry("usr/bin", Node.DIRECTORY),
          Map.entry("usr/bin/sh", Node.OTHER),
          Map.entry("bin", Node.symlink("usr/bin")),
          Map.entry("abs", Node.symlink("/etc")),
          Map.entry("up", Node.symlink("../..")),
          Map.entry("uphost", Node.symlink("../../../host/secret")),
          Map.entry("root", Node.symlink("/")),
          Map.entry("self", Node.symlink("self")),
          Map.entry("ping", Node.symlink("pong")),
          Map.entry("pong", Node.symlink("ping")),
          Map.entry("dangling", Node.symlink("/nowhere/x")),
          Map.entry("hostfile", Node.symlink("/etc/shadow")),
          Map.entry("passwd", Node.symlink("etc/passwd")),
          Map.entry("deep", Node.symlink("bin/../etc")),
          Map.entry("usr/bin/parent", Node.symlink("..")));

  static Stream<Arguments> rows() {
    return Stream.of(
        // path, followLast, expected path, expected status
        row("", true, "", Status.FOUND),
        row("/", true, "", Status.FOUND),
        row("etc/passwd", true, "etc/passwd", Status.FOUND),
        row("/etc//./passwd/", true, "etc/passwd", Status.FOUND),
        row("bin/sh", true, "usr/bin/sh", Status.FOUND),
        row("bin", false, "bin", Status.FOUND),
        row("bin", true, "usr/bin", Status.FOUND),
        row("abs/passwd", true, "etc/passwd", Status.FOUND),
        row("up", true, "", Status.FOUND),
        row("up/etc", true, "etc", Status.FOUND),
        row("uphost", true, "host/secret", Status.MISSING),
        row("root", true, "", Status.FOUND),
        row("../../../etc/passwd", true, "etc/passwd", Status.FOUND),
        row("dangling", true, "nowhere/x", Status.MISSING),
        row("dangling", false, "dangling", Status.FOUND),
        row("hostfile", true, "etc/shadow", Status.MISSING),
        row("passwd", true, "etc/passwd", Status.FOUND),
        // The kernel resolves "bin" before "..": bin/.. is usr, so this is usr/etc, not etc.
        row("deep", true, "usr/etc", Status.MISSING),
        row("usr/bin/parent/bin/sh", true, "usr/bin/sh", Status.FOUND),
        row("etc/passwd/x", true, "etc/passwd", Status.NOT_A_DIRECTORY),
        row("new/dir/../file", true, "new/file", Status.MISSING),
        row("bin/new/x", true, "usr/bin/new/x", Status.MISSING));
  }

  private static Arguments row(String path, boolean followLast, String expected, Status status) {
    return Arguments.of(path, followLast, expected, status);
  }

  @ParameterizedTest(name = "[{index}] {0} follow={1} -> {2} {3}")
  @MethodSource("rows")
  void resolvesInMemory(String path, boolean followLast, String expected, Status status)
      throws IOException {
    var r = PathResolver.resolve(memory(), path, followLast, Escape.CLAMP);
    assertEquals(expected, r.path());
    assertEquals(status, r.status());
  }

  @ParameterizedTest(name = "[{index}] {0} follow={1} -> {2} {3}")
  @MethodSource("rows")
  void resolvesOnDisk(
      String path, boolean followLast, String expected, Status status, @TempDir Path dir)
      throws IOException {
    Path root = Files.createDirectory(dir.resolve("root"));
    // Something real outside the root, where a host-following resolver would land.
    Files.createDirectories(dir.resolve("host"));
    Files.writeString(dir.resolve("host/secret"), "x");
    materialize(root);
    var r = PathResolver.resolve(new HostDirectoryTree(root), path, followLast, Escape.CLAMP);
    assertEquals(expected, r.path());
    assertEquals(status, r.status());
  }

  @Test
  void firstMissingNamesWhereCreationStarts() throws IOException {
    var r = PathResolver.resolve(memory(), "bin/new/x", true, Escape.CLAMP);
    assertEquals("usr/bin/new", r.firstMissing());
  }

  @Test
  void loopsFailLikeTheKernel() {
    assertThrows(
        SymlinkLoopException.class,
        () -> PathResolver.resolve(memory(), "self", true, Escape.CLAMP));
    assertThrows(
        SymlinkLoopException.class,
        () -> PathResolver.resolve(memory(), "ping/x", false, Escape.CLAMP));
  }

  @Test
  void refuseReportsTheLinkThatLeadsOut() throws IOException {
    PathEscapeException e =
        assertThrows(
            PathEscapeException.class,
            () -> PathResolver.resolve(memory(), "uphost", true, Escape.REFUSE));
    assertEquals("uphost", e.link());
    assertThrows(
        PathEscapeException.class,
        () -> PathResolver.resolve(memory(), "up/etc", true, Escape.REFUSE));
    // Inside the root, REFUSE resolves exactly as CLAMP.
    assertEquals(
        "usr/bin/sh", PathResolver.resolve(memory(), "bin/sh", true, Escape.REFUSE).path());
  }

  private static PathResolver.Tree memory() {
    return path -> TREE.getOrDefault(path, Node.MISSING);
  }

  private static void materialize(Path root) throws IOException {
    for (var e : TREE.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList()) {
      if (e.getKey().isEmpty()) {
        continue;
      }
      Path p = root.resolve(e.getKey());
      switch (e.getValue().kind()) {
        case DIRECTORY -> Files.createDirectories(p);
        case OTHER -> Files.writeString(p, e.getKey());
        case SYMLINK -> Files.createSymbolicLink(p, Path.of(e.getValue().linkTarget()));
        case MISSING -> throw new AssertionError(e.getKey());
      }
    }
  }
}
