package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

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
}
