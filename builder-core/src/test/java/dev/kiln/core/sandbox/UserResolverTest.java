package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserResolverTest {
  @TempDir Path rootfs;

  @BeforeEach
  void writeFiles() throws Exception {
    Files.createDirectories(rootfs.resolve("etc"));
    Files.writeString(
        rootfs.resolve("etc/passwd"),
        String.join(
            "\n",
            "# comment",
            "root:x:0:0:root:/root:/bin/sh",
            "app:x:1000:1000:app:/home/app:/bin/sh",
            "svc:x:2000:2001::/srv:/bin/false",
            "broken-line",
            "app:x:1111:1111:second app entry:/nowhere:/bin/sh",
            ""));
    Files.writeString(
        rootfs.resolve("etc/group"),
        String.join(
            "\n",
            "root:x:0:",
            "wheel:x:10:app,other",
            "users:x:100:app",
            "app:x:1000:",
            "docker:x:999: app ",
            "wheel2:x:10:svc",
            ""));
  }

  @Test
  void userNameGivesItsIdsAndEveryGroupListingIt() {
    assertEquals(
        new ResolvedUser(1000, 1000, List.of(10, 100, 999)), UserResolver.resolve(rootfs, "app"));
  }

  @Test
  void numericUserFoundInPasswdGetsItsGroupsToo() {
    assertEquals(
        new ResolvedUser(1000, 1000, List.of(10, 100, 999)), UserResolver.resolve(rootfs, "1000"));
  }

  @Test
  void explicitGroupReplacesThePrimaryAndDropsSupplementaryGroups() {
    assertEquals(new ResolvedUser(1000, 100, List.of()), UserResolver.resolve(rootfs, "app:users"));
    assertEquals(new ResolvedUser(2000, 10, List.of()), UserResolver.resolve(rootfs, "svc:wheel"));
    assertEquals(new ResolvedUser(1000, 4321, List.of()), UserResolver.resolve(rootfs, "app:4321"));
  }

  @Test
  void numericPairIsTakenAsIsWithoutReadingFiles() throws Exception {
    Files.delete(rootfs.resolve("etc/passwd"));
    assertEquals(
        new ResolvedUser(1000, 1000, List.of()), UserResolver.resolve(rootfs, "1000:1000"));
    assertEquals(new ResolvedUser(0, 5, List.of()), UserResolver.resolve(rootfs, "root:5"));
  }

  @Test
  void unknownNumericUserRunsWithGroupZero() {
    assertEquals(new ResolvedUser(4242, 0, List.of()), UserResolver.resolve(rootfs, "4242"));
  }

  @Test
  void emptyUserIsRootWithRootsGroups() {
    assertEquals(new ResolvedUser(0, 0, List.of()), UserResolver.resolve(rootfs, ""));
  }

  @Test
  void unknownNamesFailLikeBuildKit() {
    UserLookupException user =
        assertThrows(UserLookupException.class, () -> UserResolver.resolve(rootfs, "nobody"));
    assertEquals(
        "unable to find user nobody: no matching entries in passwd file", user.getMessage());
    UserLookupException group =
        assertThrows(UserLookupException.class, () -> UserResolver.resolve(rootfs, "app:staff"));
    assertEquals(
        "unable to find group staff: no matching entries in group file", group.getMessage());
  }

  @Test
  void missingFilesOnlyMatterForNames() throws Exception {
    Files.delete(rootfs.resolve("etc/passwd"));
    Files.delete(rootfs.resolve("etc/group"));
    assertEquals(new ResolvedUser(7, 0, List.of()), UserResolver.resolve(rootfs, "7"));
    assertEquals(new ResolvedUser(7, 8, List.of()), UserResolver.resolve(rootfs, "7:8"));
    assertThrows(UserLookupException.class, () -> UserResolver.resolve(rootfs, "app"));
    assertThrows(UserLookupException.class, () -> UserResolver.resolve(rootfs, "7:users"));
  }

  @Test
  void idsOutOfRangeAreRejected() {
    UserLookupException e =
        assertThrows(UserLookupException.class, () -> UserResolver.resolve(rootfs, "2147483648"));
    assertEquals("uids and gids must be in range 0-2147483647, not 2147483648", e.getMessage());
  }

  @Test
  void filesAreReadInsideTheRootfsEvenThroughAbsoluteSymlinks() throws Exception {
    Files.move(rootfs.resolve("etc/passwd"), rootfs.resolve("etc/passwd.real"));
    Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("/etc/passwd.real"));
    assertEquals(1000, UserResolver.resolve(rootfs, "app").uid());
  }

  @Test
  void homeDirectoryComesFromTheFirstEntryForTheUid() {
    assertEquals("/home/app", UserResolver.homeDirectory(rootfs, 1000));
    assertEquals("/srv", UserResolver.homeDirectory(rootfs, 2000));
    assertEquals("/", UserResolver.homeDirectory(rootfs, 31337));
  }
}
