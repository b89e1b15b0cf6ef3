package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootPathTest {
  @TempDir Path tmp;

  @Test
  void plainPathsResolveUnderTheRoot() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    assertEquals(root.resolve("etc/hosts"), RootPath.resolve(root, "/etc/hosts"));
    assertEquals(root.resolve("etc/hosts"), RootPath.resolve(root, "etc/./hosts"));
    assertEquals(root, RootPath.resolve(root, "/"));
  }

  @Test
  void dotDotNeverLeavesTheRoot() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    assertEquals(root.resolve("etc"), RootPath.resolve(root, "/../../../etc"));
  }

  @Test
  void absoluteSymlinksAreFollowedInsideTheRoot() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/hosts"), Path.of("/etc/shadow"));
    assertEquals(root.resolve("etc/shadow"), RootPath.resolve(root, "/etc/hosts"));
  }

  @Test
  void relativeSymlinksCannotClimbOut() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("a"));
    Files.createSymbolicLink(root.resolve("a/escape"), Path.of("../../../../outside/file"));
    assertEquals(root.resolve("outside/file"), RootPath.resolve(root, "/a/escape"));
  }

  @Test
  void symlinkedDirectoriesOnTheWayAreFollowed() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createDirectories(root.resolve("usr/lib"));
    Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
    assertEquals(root.resolve("usr/lib/x/y"), RootPath.resolve(root, "/lib/x/y"));
  }

  @Test
  void symlinkLoopsAreReported() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createSymbolicLink(root.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));
    assertThrows(SandboxException.class, () -> RootPath.resolve(root, "/a/x"));
  }

  @Test
  void createDirectoriesStaysInsideAndRefusesFiles() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Files.createSymbolicLink(root.resolve("work"), Path.of("/real/work"));
    Path created = RootPath.createDirectories(root, "/work/dir");
    assertEquals(root.resolve("real/work/dir"), created);
    assertTrue(Files.isDirectory(created));
    Files.writeString(root.resolve("file"), "x");
    assertThrows(SandboxException.class, () -> RootPath.createDirectories(root, "/file/sub"));
  }
}
