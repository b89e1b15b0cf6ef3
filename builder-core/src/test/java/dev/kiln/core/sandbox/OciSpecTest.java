package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class OciSpecTest {
  private static final SandboxSettings ROOT =
      new SandboxSettings(Path.of("/state"), new HostIdentity(0, 0), Optional.empty());

  private static JsonNode render(RunRequest request, SandboxSettings settings, OptionalLong nofile)
      throws Exception {
    return new ObjectMapper()
        .readTree(
            OciSpec.render(
                request, Path.of("/step/hosts"), Path.of("/step/resolv.conf"), settings, nofile));
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.isTextual() ? n.asText() : n.get("type").asText()));
    return out;
  }

  @Test
  void describesTheProcess() throws Exception {
    JsonNode spec =
        render(
            RunRequest.builder(Path.of("/rootfs"), List.of("/bin/sh", "-c", "make"))
                .env(List.of("PATH=/bin", "A=b"))
                .workingDir("/src")
                .user(new ResolvedUser(1000, 100, List.of(10, 20)))
                .hostname("box")
                .build(),
            ROOT,
            OptionalLong.of(20000));
    JsonNode process = spec.get("process");
    assertEquals(List.of("/bin/sh", "-c", "make"), texts(process.get("args")));
    assertEquals(List.of("PATH=/bin", "A=b"), texts(process.get("env")));
    assertEquals("/src", process.get("cwd").asText());
    assertEquals(1000, process.get("user").get("uid").asInt());
    assertEquals(100, process.get("user").get("gid").asInt());
    // The primary group leads the supplementary ones, as containerd and BuildKit set them.
    assertEquals("[100,10,20]", process.get("user").get("additionalGids").toString());
    assertEquals("/rootfs", spec.get("root").get("path").asText());
    assertEquals("box", spec.get("hostname").asText());
    assertFalse(process.get("terminal").asBoolean());
  }

  @Test
  void neverAsksForMoreThanTheHardLimitNorForCgroupLimits() throws Exception {
    JsonNode spec =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true")).build(),
            ROOT,
            OptionalLong.of(20000));
    JsonNode rlimits = spec.get("process").get("rlimits");
    assertEquals(1, rlimits.size());
    assertEquals("RLIMIT_NOFILE", rlimits.get(0).get("type").asText());
    assertEquals(20000, rlimits.get(0).get("hard").asLong());
    assertEquals(20000, rlimits.get(0).get("soft").asLong());
    JsonNode resources = spec.get("linux").get("resources");
    assertEquals(List.of("devices"), iterableNames(resources));
    JsonNode none =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true")).build(), ROOT, OptionalLong.empty());
    assertTrue(none.get("process").get("rlimits") == null);
  }

  private static List<String> iterableNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void networkNamespaceOnlyWithoutHostNetwork() throws Exception {
    JsonNode none =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true")).network(NetworkMode.NONE).build(),
            ROOT,
            OptionalLong.empty());
    assertEquals(
        List.of("pid", "ipc", "uts", "mount", "network"),
        texts(none.get("linux").get("namespaces")));
    JsonNode host =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true")).network(NetworkMode.HOST).build(),
            ROOT,
            OptionalLong.empty());
    assertEquals(List.of("pid", "ipc", "uts", "mount"), texts(host.get("linux").get("namespaces")));
    JsonNode byDefault =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true")).build(), ROOT, OptionalLong.empty());
    assertEquals(
        List.of("pid", "ipc", "uts", "mount"), texts(byDefault.get("linux").get("namespaces")));
  }

  @Test
  void rootGetsDockersCapabilitiesAndOtherUsersOnlyTheBoundingSet() throws Exception {
    JsonNode root =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true")).build(), ROOT, OptionalLong.empty());
    JsonNode caps = root.get("process").get("capabilities");
    assertEquals(ContainerDefaults.CAPABILITIES, texts(caps.get("effective")));
    assertEquals(ContainerDefaults.CAPABILITIES, texts(caps.get("bounding")));
    JsonNode user =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true"))
                .user(new ResolvedUser(5, 5, List.of()))
                .build(),
            ROOT,
            OptionalLong.empty());
    JsonNode userCaps = user.get("process").get("capabilities");
    assertEquals(List.of(), texts(userCaps.get("effective")));
    assertEquals(ContainerDefaults.CAPABILITIES, texts(userCaps.get("bounding")));
  }

  @Test
  void mountsTheMinimalFilesystemsThenHostsThenTheStepsMountsParentsFirst() throws Exception {
    JsonNode spec =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true"))
                .mount(new SandboxMount.Tmpfs("/a/b", 1024))
                .mount(new SandboxMount.Bind(Path.of("/host/dir"), "/a", true))
                .build(),
            ROOT,
            OptionalLong.empty());
    List<String> destinations = new ArrayList<>();
    spec.get("mounts").forEach(m -> destinations.add(m.get("destination").asText()));
    assertEquals(
        List.of(
            "/proc",
            "/dev",
            "/dev/pts",
            "/dev/shm",
            "/dev/mqueue",
            "/sys",
            "/etc/hosts",
            "/etc/resolv.conf",
            "/a",
            "/a/b"),
        destinations);
    JsonNode hosts = spec.get("mounts").get(6);
    assertEquals("/step/hosts", hosts.get("source").asText());
    assertEquals(List.of("rbind", "ro"), texts(hosts.get("options")));
    assertEquals(List.of("rbind", "ro"), texts(spec.get("mounts").get(8).get("options")));
    assertTrue(texts(spec.get("mounts").get(9).get("options")).contains("size=1024"));
    assertTrue(texts(spec.get("mounts").get(5).get("options")).contains("ro"));
    assertEquals(
        ContainerDefaults.MASKED_PATHS, texts(spec.get("linux").get("maskedPaths")), "sandboxed");
    assertEquals(ContainerDefaults.READONLY_PATHS, texts(spec.get("linux").get("readonlyPaths")));
  }

  @Test
  void rootlessMapsTheUserAndBindsSysOnTheHostNetwork() throws Exception {
    SandboxSettings rootless =
        new SandboxSettings(
            Path.of("/state"),
            new HostIdentity(1001, 1001),
            Optional.of(
                UserNamespacePlan.plan(
                    "alice", new HostIdentity(1001, 1001), List.of(), List.of(), false)));
    JsonNode spec =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true")).build(),
            rootless,
            OptionalLong.empty());
    assertEquals(
        List.of("pid", "ipc", "uts", "mount", "user"), texts(spec.get("linux").get("namespaces")));
    assertEquals(1001, spec.get("linux").get("uidMappings").get(0).get("hostID").asInt());
    assertEquals(0, spec.get("linux").get("uidMappings").get(0).get("containerID").asInt());
    assertTrue(spec.get("linux").get("resources") == null, "no cgroup settings rootless");
    JsonNode sys = spec.get("mounts").get(5);
    assertEquals("bind", sys.get("type").asText());
    assertFalse(texts(spec.get("mounts").get(2).get("options")).contains("gid=5"));
    // runc cannot call setgroups without root: no group list, not even the primary group.
    assertTrue(spec.get("process").get("user").get("additionalGids") == null);
  }

  @Test
  void aPrivilegedStepGetsEveryCapabilityDeviceAndPathAsBuildKitsInsecureMode() throws Exception {
    JsonNode spec =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true"))
                .user(new ResolvedUser(1000, 1000, List.of()))
                .security(SecurityMode.INSECURE)
                .build(),
            ROOT,
            OptionalLong.empty());
    JsonNode caps = spec.get("process").get("capabilities");
    List<String> all = FullPrivileges.capabilities(false);
    assertTrue(all.containsAll(ContainerDefaults.CAPABILITIES), all.toString());
    assertTrue(all.contains("CAP_SYS_ADMIN"), all.toString());
    // Ambient too, so a non-root user holds them after exec, as in BuildKit.
    for (String set : List.of("bounding", "effective", "permitted", "inheritable", "ambient")) {
      assertEquals(all, texts(caps.get(set)), set);
    }
    JsonNode linux = spec.get("linux");
    assertTrue(linux.get("maskedPaths") == null, "nothing masked");
    assertTrue(linux.get("readonlyPaths") == null, "nothing read-only");
    assertEquals(
        "[{\"allow\":true,\"type\":\"c\",\"access\":\"rwm\"},"
            + "{\"allow\":true,\"type\":\"b\",\"access\":\"rwm\"}]",
        linux.get("resources").get("devices").toString());
    List<String> devices = new ArrayList<>();
    linux.get("devices").forEach(d -> devices.add(d.get("path").asText()));
    assertTrue(
        devices.containsAll(
            List.of(
                "/dev/kmsg",
                "/dev/cuse",
                "/dev/fuse",
                "/dev/kvm",
                "/dev/net/tun",
                "/dev/loop-control",
                "/dev/loop0",
                "/dev/loop7")),
        devices.toString());
    JsonNode loop0 = linux.get("devices").get(devices.indexOf("/dev/loop0"));
    assertEquals("b", loop0.get("type").asText());
    assertEquals(7, loop0.get("major").asInt());
    assertEquals(0, loop0.get("minor").asInt());
    JsonNode sys = spec.get("mounts").get(5);
    assertEquals("/sys", sys.get("destination").asText());
    assertEquals(List.of("nosuid", "noexec", "nodev", "rw"), texts(sys.get("options")));
  }

  @Test
  void aPrivilegedRootlessStepGetsNoDevicesButEveryCapabilityInItsNamespace() throws Exception {
    SandboxSettings rootless =
        new SandboxSettings(
            Path.of("/state"),
            new HostIdentity(1001, 1001),
            Optional.of(
                UserNamespacePlan.plan(
                    "alice", new HostIdentity(1001, 1001), List.of(), List.of(), false)));
    JsonNode spec =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true"))
                .security(SecurityMode.INSECURE)
                .build(),
            rootless,
            OptionalLong.empty());
    List<String> inNamespace = FullPrivileges.capabilities(true);
    assertEquals(inNamespace, texts(spec.get("process").get("capabilities").get("effective")));
    assertTrue(inNamespace.containsAll(FullPrivileges.capabilities(false)), inNamespace.toString());
    assertTrue(spec.get("linux").get("devices") == null, "no device node in a user namespace");
    assertTrue(spec.get("linux").get("resources") == null, "no cgroup settings rootless");
    assertFalse(texts(spec.get("mounts").get(5).get("options")).contains("ro"));
  }

  @Test
  void capabilityNamesFollowTheirBitNumbers() {
    assertEquals(List.of(), FullPrivileges.named(0));
    assertEquals(List.of("CAP_CHOWN", "CAP_SYS_ADMIN"), FullPrivileges.named((1L << 21) | 1));
    // Docker's default set, as /proc/self/status shows it for a container's root.
    assertEquals(
        new java.util.TreeSet<>(ContainerDefaults.CAPABILITIES),
        new java.util.TreeSet<>(FullPrivileges.named(0xa80425fbL)));
    assertEquals(41, FullPrivileges.named(-1L).size(), "up to CAP_CHECKPOINT_RESTORE");
    assertEquals(
        "+chown,+sys_admin", FullPrivileges.setprivList(List.of("CAP_CHOWN", "CAP_SYS_ADMIN")));
  }

  @Test
  void rootGetsItsOwnGroupAsTheOnlySupplementaryGroup() throws Exception {
    JsonNode spec =
        render(
            RunRequest.builder(Path.of("/r"), List.of("true")).build(), ROOT, OptionalLong.empty());
    assertEquals("[0]", spec.get("process").get("user").get("additionalGids").toString());
  }
}
