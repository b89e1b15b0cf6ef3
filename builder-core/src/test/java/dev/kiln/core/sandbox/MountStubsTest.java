package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountStubsTest {
  @TempDir Path rootfs;

  @Test
  void createsMissingPointsAndRemovesThemRestoringTheParentsTime() throws Exception {
    Files.createDirectories(rootfs.resolve("etc"));
    FileTime old = FileTime.from(Instant.parse("2001-02-03T04:05:06.123456789Z"));
    Files.setLastModifiedTime(rootfs.resolve("etc"), old);
    Files.setLastModifiedTime(rootfs, old);
    MountStubs stubs =
        MountStubs.create(
            rootfs,
            List.of(
                new MountStubs.Target("/etc/hosts", false),
                new MountStubs.Target("/etc/resolv.conf", false),
                new MountStubs.Target("/run/secrets/a", false),
                new MountStubs.Target("/cache/deep/dir", true)));
    assertTrue(Files.isRegularFile(stubs.hostPath("/etc/hosts")));
    assertTrue(Files.isDirectory(stubs.hostPath("/cache/deep/dir")));
    assertEquals(rootfs.resolve("run/secrets/a"), stubs.hostPath("/run/secrets/a"));
    stubs.remove();
    assertFalse(Files.exists(rootfs.resolve("etc/hosts")));
    assertFalse(Files.exists(rootfs.resolve("etc/resolv.conf")));
    assertFalse(Files.exists(rootfs.resolve("run")));
    assertFalse(Files.exists(rootfs.resolve("cache")));
    assertEquals(old, Files.getLastModifiedTime(rootfs.resolve("etc")));
    assertEquals(old, Files.getLastModifiedTime(rootfs));
  }

  @Test
  void existingPointsAreLeftAlone() throws Exception {
    Files.createDirectories(rootfs.resolve("proc"));
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(rootfs.resolve("etc/hosts"), "keep");
    MountStubs stubs =
        MountStubs.create(
            rootfs,
            List.of(
                new MountStubs.Target("/proc", true), new MountStubs.Target("/etc/hosts", false)));
    stubs.remove();
    assertTrue(Files.isDirectory(rootfs.resolve("proc")));
    assertEquals("keep", Files.readString(rootfs.resolve("etc/hosts")));
  }

  @Test
  void aParentTheStepChangedKeepsItsNewTime() throws Exception {
    Files.createDirectories(rootfs.resolve("etc"));
    FileTime old = FileTime.from(Instant.parse("2001-02-03T04:05:06Z"));
    Files.setLastModifiedTime(rootfs.resolve("etc"), old);
    MountStubs stubs =
        MountStubs.create(rootfs, List.of(new MountStubs.Target("/etc/hosts", false)));
    FileTime stepTime = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.writeString(rootfs.resolve("etc/motd"), "the step wrote this");
    Files.setLastModifiedTime(rootfs.resolve("etc"), stepTime);
    stubs.remove();
    assertEquals(stepTime, Files.getLastModifiedTime(rootfs.resolve("etc")));
    assertTrue(Files.exists(rootfs.resolve("etc/motd")));
  }

  @Test
  void stubsAreCreatedInsideTheRootfsThroughSymlinks() throws Exception {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.createSymbolicLink(
        rootfs.resolve("etc/resolv.conf"), Path.of("/run/systemd/resolve/stub-resolv.conf"));
    MountStubs stubs =
        MountStubs.create(rootfs, List.of(new MountStubs.Target("/etc/resolv.conf", false)));
    assertEquals(
        rootfs.resolve("run/systemd/resolve/stub-resolv.conf"), stubs.hostPath("/etc/resolv.conf"));
    assertTrue(Files.isRegularFile(rootfs.resolve("run/systemd/resolve/stub-resolv.conf")));
    stubs.remove();
    assertFalse(Files.exists(rootfs.resolve("run")));
    assertTrue(Files.isSymbolicLink(rootfs.resolve("etc/resolv.conf")));
  }
}
