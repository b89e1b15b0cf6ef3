package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserNamespacePlanTest {
  private static final HostIdentity ALICE = new HostIdentity(1001, 1001);

  @Test
  void withoutRangesOnlyRootExistsInside() {
    UserNamespacePlan plan = UserNamespacePlan.plan("alice", ALICE, List.of(), List.of(), true);
    assertEquals(List.of(new IdMapping(0, 1001, 1)), plan.uidMap());
    assertEquals(List.of(new IdMapping(0, 1001, 1)), plan.gidMap());
    assertFalse(plan.hasSubordinateRanges());
    plan.requireCanRunAs(ResolvedUser.ROOT, ALICE);
    SandboxException e =
        assertThrows(
            SandboxException.class,
            () -> plan.requireCanRunAs(new ResolvedUser(1000, 1000, List.of()), ALICE));
    assertTrue(e.getMessage().contains("/etc/subuid"), e.getMessage());
    assertThrows(
        SandboxException.class,
        () -> plan.requireCanRunAs(new ResolvedUser(0, 0, List.of(0)), ALICE));
  }

  @Test
  void rangesByNameOrUidMapIdsFromOneOn() {
    List<String> subuid = List.of("bob:100000:65536", "alice:200000:65536");
    List<String> subgid = List.of("1001:300000:1000");
    UserNamespacePlan plan = UserNamespacePlan.plan("alice", ALICE, subuid, subgid, true);
    assertEquals(
        List.of(new IdMapping(0, 1001, 1), new IdMapping(1, 200000, 65536)), plan.uidMap());
    assertEquals(List.of(new IdMapping(0, 1001, 1), new IdMapping(1, 300000, 1000)), plan.gidMap());
    assertTrue(plan.mapsUid(65536));
    assertFalse(plan.mapsUid(65537));
    assertTrue(plan.mapsGid(1000));
    assertFalse(plan.mapsGid(1001));
    plan.requireCanRunAs(new ResolvedUser(1000, 100, List.of(10, 20)), ALICE);
    assertEquals(java.util.OptionalLong.of(0), plan.toContainerUid(1001));
    assertEquals(java.util.OptionalLong.of(1000), plan.toContainerUid(200999));
    assertEquals(java.util.OptionalLong.of(100), plan.toContainerGid(300099));
    assertEquals(java.util.OptionalLong.empty(), plan.toContainerUid(5));
  }

  @Test
  void rangesNeedTheHelpers() {
    UserNamespacePlan plan =
        UserNamespacePlan.plan(
            "alice", ALICE, List.of("alice:200000:65536"), List.of("alice:200000:65536"), false);
    assertFalse(plan.hasSubordinateRanges());
  }

  @Test
  void rootWithoutSysAdminMapsEveryIdItHasOntoItself() {
    UserNamespacePlan plan =
        UserNamespacePlan.identity(
            List.of("         0          0 4294967295"), List.of("0 0 4294967295"));
    assertEquals(List.of(new IdMapping(0, 0, 4294967295L)), plan.uidMap());
    assertTrue(plan.isIdentity());
    assertTrue(plan.groupsSettable(), "kiln writes the gid map itself, so setgroups is allowed");
    assertFalse(plan.hasSubordinateRanges());
    plan.requireCanRunAs(new ResolvedUser(1234, 2345, List.of(10, 20)), new HostIdentity(0, 0));
    assertEquals(java.util.OptionalLong.of(1234), plan.toContainerUid(1234));
    assertEquals("0 0 4294967295\n", UserNamespacePlan.mapFile(plan.uidMap()));

    // Root of a rootless podman container: only the ids its own namespace has.
    UserNamespacePlan nested =
        UserNamespacePlan.identity(
            List.of("0 1000 1", "1 100000 65536"), List.of("0 1000 1", "1 100000 65536"));
    assertEquals(List.of(new IdMapping(0, 0, 1), new IdMapping(1, 1, 65536)), nested.uidMap());
    assertEquals("0 0 1\n1 1 65536\n", UserNamespacePlan.mapFile(nested.gidMap()));
    assertFalse(nested.mapsUid(65537));
  }

  @Test
  void aSubordinateRangeMapIsNoIdentity() {
    UserNamespacePlan plan =
        UserNamespacePlan.plan(
            "alice", ALICE, List.of("alice:200000:65536"), List.of("alice:200000:65536"), true);
    assertFalse(plan.isIdentity());
    assertTrue(plan.groupsSettable());
    assertFalse(
        UserNamespacePlan.plan("alice", ALICE, List.of(), List.of(), true).groupsSettable());
  }

  @Test
  void aSetuidHelperIsRefusedWithoutSysAdminInTheBoundingSet(@TempDir Path dir) throws Exception {
    Path setuid = dir.resolve("newuidmap");
    Files.writeString(setuid, "");
    Files.setAttribute(setuid, "unix:mode", 04755);
    ProcessCapabilities container = new ProcessCapabilities(0, 0x800405fbL);
    ProcessCapabilities host = new ProcessCapabilities(0, 0x1ffffffffffL);
    Optional<String> refused = UserNamespacePlan.helpersRefused(setuid, container);
    assertTrue(refused.orElseThrow().contains("setcap cap_setuid=ep"), refused.toString());
    assertEquals(Optional.empty(), UserNamespacePlan.helpersRefused(setuid, host));

    Files.setAttribute(setuid, "unix:mode", 0755);
    assertEquals(
        Optional.empty(),
        UserNamespacePlan.helpersRefused(setuid, container),
        "without the setuid bit (file capabilities) the helper keeps the caller's uid and works");

    SandboxException e =
        assertThrows(
            SandboxException.class,
            () ->
                UserNamespacePlan.plan("alice", ALICE, List.of(), List.of(), false)
                    .requireCanRunAs(new ResolvedUser(1000, 1000, List.of()), ALICE, refused));
    assertTrue(e.getMessage().contains("setcap cap_setuid=ep"), e.getMessage());
  }
}
