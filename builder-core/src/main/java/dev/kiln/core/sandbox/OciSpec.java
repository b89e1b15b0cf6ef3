package dev.kiln.core.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * Writes the {@code config.json} of the OCI bundle for one step (runtime-spec 1.0): the process
 * (argv, env, cwd, ids, Docker's default capabilities), the namespaces (mount, pid, ipc, uts, and
 * network unless the step shares the host's; user when rootless), a minimal {@code /dev}, {@code
 * /proc}, a read-only {@code /sys}, the step's hosts and resolv.conf read-only, and its extra
 * mounts.
 *
 * <p>A privileged step ({@link SecurityMode#INSECURE}) gets {@link FullPrivileges} instead: every
 * capability in every set, no masked or read-only paths, a writable {@code /sys} and, as root,
 * every device allowed and BuildKit's extra device nodes.
 *
 * <p>No cgroup limits are requested (only the device allow-list), and the open-files limit is,
 * unless the request sets it ({@code --ulimit}), kiln's own hard limit: on machines without {@code
 * CAP_SYS_RESOURCE} a runtime fails when a bundle asks for more than the current hard limits, or
 * for cgroup controllers it cannot set up.
 */
final class OciSpec {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private OciSpec() {}

  static byte[] render(
      RunRequest request,
      Path hostsFile,
      Path resolvConfFile,
      SandboxSettings settings,
      OptionalLong nofile) {
    ObjectNode root = JSON.createObjectNode();
    root.put("ociVersion", "1.0.2");
    root.set("process", process(request, nofile, settings.rootless()));
    ObjectNode rootfs = root.putObject("root");
    rootfs.put("path", request.rootfs().toString());
    rootfs.put("readonly", false);
    root.put("hostname", request.hostname());
    root.set("mounts", mounts(request, hostsFile, resolvConfFile, settings));
    root.set("linux", linux(request, settings));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the OCI runtime config", e);
    }
  }

  private static ObjectNode process(RunRequest request, OptionalLong nofile, boolean rootless) {
    ObjectNode process = JSON.createObjectNode();
    process.put("terminal", false);
    ObjectNode user = process.putObject("user");
    user.put("uid", request.user().uid());
    user.put("gid", request.user().gid());
    // Without root, runc may not call setgroups at all (OciSandbox refuses supplementary groups
    // there); as root the process gets its primary group too, as under containerd.
    List<Integer> groups = rootless ? request.user().additionalGids() : request.user().groups();
    if (!groups.isEmpty()) {
      ArrayNode gids = user.putArray("additionalGids");
      groups.forEach(gids::add);
    }
    user.put("umask", 18); // 0022, as Docker
    ArrayNode args = process.putArray("args");
    request.argv().forEach(args::add);
    ArrayNode env = process.putArray("env");
    request.env().forEach(env::add);
    process.put("cwd", request.workingDir());
    ObjectNode caps = process.putObject("capabilities");
    if (request.privileged()) {
      // As BuildKit's insecure mode: every set, ambient included, so that a non-root user holds
      // them too after exec.
      List<String> all = FullPrivileges.capabilities(rootless);
      for (String set : List.of("bounding", "effective", "permitted", "inheritable", "ambient")) {
        ArrayNode array = caps.putArray(set);
        all.forEach(array::add);
      }
    } else {
      ArrayNode bounding = caps.putArray("bounding");
      ContainerDefaults.CAPABILITIES.forEach(bounding::add);
      // As Docker does since 20.10: a non-root user keeps the bounding set but starts with no
      // effective capabilities; root gets the whole default set.
      List<String> active = request.user().isRoot() ? ContainerDefaults.CAPABILITIES : List.of();
      ArrayNode effective = caps.putArray("effective");
      active.forEach(effective::add);
      ArrayNode permitted = caps.putArray("permitted");
      active.forEach(permitted::add);
      caps.putArray("inheritable");
      caps.putArray("ambient");
    }
    List<Rlimit> limits = new java.util.ArrayList<>(request.rlimits());
    if (nofile.isPresent() && limits.stream().noneMatch(l -> l.resource().equals("nofile"))) {
      limits.add(0, new Rlimit("nofile", nofile.getAsLong(), nofile.getAsLong()));
    }
    if (!limits.isEmpty()) {
      ArrayNode rlimits = process.putArray("rlimits");
      for (Rlimit l : limits) {
        ObjectNode limit = rlimits.addObject();
        limit.put("type", l.ociType());
        limit.put("hard", Rlimit.ociValue(l.hard()));
        limit.put("soft", Rlimit.ociValue(l.soft()));
      }
    }
    process.put("noNewPrivileges", false);
    return process;
  }

  private static ArrayNode mounts(
      RunRequest request, Path hostsFile, Path resolvConfFile, SandboxSettings settings) {
    ArrayNode mounts = JSON.createArrayNode();
    mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
    mount(
        mounts,
        "/dev",
        "tmpfs",
        "tmpfs",
        "nosuid",
        "strictatime",
        "mode=755",
        "size=" + ContainerDefaults.TMPFS_SIZE);
    if (settings.rootless()) {
      // gid 5 (tty) does not exist in a single-mapping user namespace.
      mount(
          mounts,
          "/dev/pts",
          "devpts",
          "devpts",
          "nosuid",
          "noexec",
          "newinstance",
          "ptmxmode=0666",
          "mode=0620");
    } else {
      mount(
          mounts,
          "/dev/pts",
          "devpts",
          "devpts",
          "nosuid",
          "noexec",
          "newinstance",
          "ptmxmode=0666",
          "mode=0620",
          "gid=5");
    }
    mount(
        mounts,
        "/dev/shm",
        "tmpfs",
        "shm",
        "nosuid",
        "noexec",
        "nodev",
        "mode=1777",
        "size=" + request.shmTmpfsSize());
    mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
    String sysAccess = request.privileged() ? "rw" : "ro";
    if (settings.rootless() && request.network().sharesHostNetwork()) {
      // sysfs can only be mounted by the owner of the network namespace.
      mount(mounts, "/sys", "bind", "/sys", "rbind", "nosuid", "noexec", "nodev", sysAccess);
    } else {
      mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", sysAccess);
    }
    mount(mounts, "/etc/hosts", "bind", hostsFile.toString(), "rbind", "ro");
    mount(mounts, "/etc/resolv.conf", "bind", resolvConfFile.toString(), "rbind", "ro");
    List<SandboxMount> extra =
        request.mounts().stream()
            .sorted(Comparator.comparingInt(m -> ContainerPath.components(m.target()).size()))
            .toList();
    for (SandboxMount m : extra) {
      if (m instanceof SandboxMount.Bind bind) {
        mount(
            mounts,
            bind.target(),
            "bind",
            bind.source().toString(),
            "rbind",
            bind.readOnly() ? "ro" : "rw");
      } else if (m instanceof SandboxMount.Tmpfs tmpfs) {
        if (tmpfs.sizeBytes() > 0) {
          mount(
              mounts,
              tmpfs.target(),
              "tmpfs",
              "tmpfs",
              "nosuid",
              "nodev",
              "size=" + tmpfs.sizeBytes());
        } else {
          mount(mounts, tmpfs.target(), "tmpfs", "tmpfs", "nosuid", "nodev");
        }
      }
    }
    return mounts;
  }

  private static void mount(
      ArrayNode mounts, String destination, String type, String source, String... options) {
    ObjectNode mount = mounts.addObject();
    mount.put("destination", destination);
    mount.put("type", type);
    mount.put("source", source);
    ArrayNode opts = mount.putArray("options");
    for (String option : options) {
      opts.add(option);
    }
  }

  private static ObjectNode linux(RunRequest request, SandboxSettings settings) {
    ObjectNode linux = JSON.createObjectNode();
    ArrayNode namespaces = linux.putArray("namespaces");
    for (String type : List.of("pid", "ipc", "uts", "mount")) {
      namespaces.addObject().put("type", type);
    }
    if (!request.network().sharesHostNetwork()) {
      namespaces.addObject().put("type", "network");
    }
    if (settings.userNamespace().isPresent()) {
      namespaces.addObject().put("type", "user");
      UserNamespacePlan plan = settings.userNamespace().get();
      idMappings(linux.putArray("uidMappings"), plan.uidMap());
      idMappings(linux.putArray("gidMappings"), plan.gidMap());
    } else if (request.privileged()) {
      // Every character and block device, and BuildKit's extra nodes made in the step's /dev.
      ArrayNode allowed = linux.putObject("resources").putArray("devices");
      for (String type : List.of("c", "b")) {
        ObjectNode rule = allowed.addObject();
        rule.put("allow", true);
        rule.put("type", type);
        rule.put("access", "rwm");
      }
      ArrayNode nodes = linux.putArray("devices");
      for (FullPrivileges.Device d : FullPrivileges.devices()) {
        ObjectNode node = nodes.addObject();
        node.put("path", d.path());
        node.put("type", String.valueOf(d.type()));
        node.put("major", d.major());
        node.put("minor", d.minor());
        node.put("fileMode", d.mode());
        node.put("uid", 0);
        node.put("gid", 0);
      }
    } else {
      // Deny every device, then the runtime adds its standard allow-list (null, zero, full, tty,
      // random, urandom, ptmx, pts): the only cgroup setting a step asks for.
      ObjectNode resources = linux.putObject("resources");
      ArrayNode devices = resources.putArray("devices");
      ObjectNode denyAll = devices.addObject();
      denyAll.put("allow", false);
      denyAll.put("access", "rwm");
    }
    if (!request.privileged()) {
      ArrayNode masked = linux.putArray("maskedPaths");
      ContainerDefaults.MASKED_PATHS.forEach(masked::add);
      ArrayNode readonly = linux.putArray("readonlyPaths");
      ContainerDefaults.READONLY_PATHS.forEach(readonly::add);
    }
    return linux;
  }

  private static void idMappings(ArrayNode array, List<IdMapping> mappings) {
    for (IdMapping m : mappings) {
      ObjectNode node = array.addObject();
      node.put("containerID", m.containerId());
      node.put("hostID", m.hostId());
      node.put("size", m.size());
    }
  }
}
