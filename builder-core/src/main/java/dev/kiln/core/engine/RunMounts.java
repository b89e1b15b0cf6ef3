package dev.kiln.core.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.api.request.SshSpec;
import dev.kiln.cache.store.CacheMounts;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.sandbox.HostIdentity;
import dev.kiln.core.sandbox.SandboxMount;
import dev.kiln.dockerfile.ignore.GoPaths;
import dev.kiln.dockerfile.instructions.Mount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@code RUN --mount}: turns each mount into something the sandbox can bind. Cache mounts live
 * under the store ({@code mounts/cache/<id>}) across builds and never become part of a layer or a
 * key; one with {@code from=} starts as a copy of that stage's or image's files (one cache per id
 * and base). Steps share a cache, wait to have it alone ({@code sharing=locked}) or get a directory
 * of their own while it is in use ({@code sharing=private}), across threads and processes ({@link
 * CacheMountLock}). Secrets are copied into the build's {@link SecretSpace} (a tmpfs, never the
 * disk) with their mode and owner, bound read-only (or given as an environment variable) and
 * redacted from the output. An SSH mount binds a socket of kiln's own that passes the step's
 * requests to the agent (the user's, or one serving {@code --ssh ID=KEYFILE}). Bind mounts of
 * another stage or image see its files; one of a directory of the user's sees what {@link
 * DirectoryMountView} shows (never a file {@code .dockerignore} excludes, never writing back). An
 * SSH agent socket is bound and {@code SSH_AUTH_SOCK} set.
 */
final class RunMounts {
  /** The shortest line of a multi-line secret that output is masked for. */
  static final int MIN_MASKED_LINE = 6;

  /**
   * Between a cache's name and the suffix of each further directory {@code sharing=private} made.
   */
  private static final String PRIVATE_INFIX = ".private-";

  private final BuildScope scope;
  private final Map<String, String> environment;
  private final SecretSpace secretSpace;

  RunMounts(BuildScope scope, Map<String, String> environment, SecretSpace secretSpace) {
    this.scope = scope;
    this.environment = environment;
    this.secretSpace = secretSpace;
  }

  /** The mounts of one step, with anything held for them (cache locks) released on close. */
  record Prepared(
      List<SandboxMount> mounts,
      List<String> env,
      List<String> secrets,
      List<AutoCloseable> held,
      List<Path> secretFiles)
      implements AutoCloseable {
    /** {@code line} with every secret value masked. */
    String redact(String line) {
      String out = line;
      for (String secret : secrets) {
        if (!secret.isEmpty()) {
          out = out.replace(secret, "****");
        }
      }
      return out;
    }

    @Override
    public void close() throws IOException {
      IOException failure = null;
      for (int i = held.size() - 1; i >= 0; i--) {
        try {
          held.get(i).close();
        } catch (Exception e) {
          if (failure == null) {
            failure = e instanceof IOException io ? io : new IOException(e.getMessage(), e);
          }
        }
      }
      for (Path dir : secretFiles) {
        BuildRun.deleteTree(dir);
      }
      if (failure != null) {
        throw failure;
      }
    }
  }

  /**
   * Prepares {@code mounts} for a step whose working directory is {@code workdir}: a relative
   * {@code target=} of a bind, cache or tmpfs mount is taken from there, as in BuildKit.
   */
  Prepared prepare(
      List<Mount> mounts, List<MountSources.Source> sources, Path scratch, String workdir)
      throws IOException {
    List<SandboxMount> out = new ArrayList<>();
    List<String> env = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    List<AutoCloseable> held = new ArrayList<>();
    List<Path> secretFiles = new ArrayList<>();
    Prepared prepared = new Prepared(out, env, secrets, held, secretFiles);
    try {
      Map<String, Path> caches = caches(mounts, sources, held, scratch);
      int index = 0;
      int sshMounts = 0;
      for (Mount m : mounts) {
        index++;
        switch (m.type()) {
          case TMPFS -> out.add(new SandboxMount.Tmpfs(target(m, workdir), m.sizeLimit()));
          case CACHE ->
              out.add(
                  new SandboxMount.Bind(
                      caches.get(cacheName(m, sources.get(index - 1))),
                      target(m, workdir),
                      m.readOnly()));
          case BIND ->
              out.add(
                  bind(
                      m,
                      sources.get(index - 1),
                      scratch.resolve("bind-" + index),
                      target(m, workdir),
                      held));
          case SECRET -> secret(m, out, env, secrets, secretFiles);
          case SSH -> ssh(m, sshMounts++, scratch, out, env, held, secretFiles);
        }
      }
    } catch (IOException | RuntimeException e) {
      prepared.close();
      throw e;
    }
    return prepared;
  }

  /**
   * Where a bind, cache or tmpfs mount goes in the container: {@code target=} as written when
   * absolute, else below the working directory ({@code target=.} or none at all is the working
   * directory itself), never the root.
   */
  static String target(Mount m, String workdir) throws IOException {
    String target = m.target() == null ? "" : m.target();
    String resolved =
        "/" + LayerPath.normalize(target.startsWith("/") ? target : workdir + "/" + target);
    if (resolved.equals("/")) {
      throw new IOException(
          "RUN --mount=type="
              + m.type().value()
              + ": invalid mount target \"/\""
              + (target.startsWith("/")
                  ? ""
                  : " (target=" + target + " in WORKDIR " + workdir + ")")
              + ": a mount cannot replace the container's root directory; give a target below it");
    }
    return resolved;
  }

  /**
   * The directory each cache of the step (by {@link #cacheName}) is mounted from, held as its
   * {@code sharing=} says until the step ends. A cache mounted twice by one step is one directory,
   * taken once, in its strictest mode. Caches a step must wait for are taken in name order, so two
   * steps that both want two locked caches cannot each hold one and wait forever for the other.
   */
  private Map<String, Path> caches(
      List<Mount> mounts, List<MountSources.Source> sources, List<AutoCloseable> held, Path scratch)
      throws IOException {
    Map<String, Integer> firstMount = new TreeMap<>();
    Map<String, Mount.Sharing> sharing = new HashMap<>();
    for (int i = 0; i < mounts.size(); i++) {
      Mount m = mounts.get(i);
      if (m.type() != Mount.Type.CACHE) {
        continue;
      }
      String name = cacheName(m, sources.get(i));
      firstMount.putIfAbsent(name, i);
      Mount.Sharing mode = m.sharing() == null ? Mount.Sharing.SHARED : m.sharing();
      sharing.merge(name, mode, RunMounts::stricter);
    }
    Map<String, Path> dirs = new HashMap<>();
    for (Map.Entry<String, Integer> cache : firstMount.entrySet()) {
      String name = cache.getKey();
      int i = cache.getValue();
      Mount m = mounts.get(i);
      MountSources.Source seed = hasFrom(m) ? sources.get(i) : null;
      Path workDir = scratch.resolve("cache-" + (i + 1));
      Path dir = cacheDirectory(name, m, seed, workDir);
      switch (sharing.get(name)) {
        case SHARED -> held.add(CacheMountLock.shared(lockFile(dir)));
        case LOCKED -> {
          Optional<CacheMountLock> free = CacheMountLock.tryExclusive(lockFile(dir));
          if (free.isEmpty()) {
            scope
                .reporting()
                .listener()
                .on(
                    new BuildEvent.Note(
                        scope.reporting().clock().instant(),
                        "cache mount "
                            + cacheId(m)
                            + " (sharing=locked) is in use by another step: waiting for it"));
            free = Optional.of(CacheMountLock.exclusive(lockFile(dir)));
          }
          held.add(free.get());
        }
        case PRIVATE -> dir = privateCache(name, m, seed, workDir, held);
      }
      CacheMounts.markUsed(dir); // a prune removes caches no step mounted for a while first
      dirs.put(name, dir);
    }
    return dirs;
  }

  private static Mount.Sharing stricter(Mount.Sharing a, Mount.Sharing b) {
    return a.ordinal() > b.ordinal() ? a : b;
  }

  /**
   * A directory of cache {@code name} for this step alone: the cache itself when no other step uses
   * it, else another of its directories no step uses, else a new one (empty, or a fresh copy of its
   * seed), which later steps reuse in turn, as BuildKit keeps one cache per concurrent writer.
   */
  private Path privateCache(
      String name, Mount m, MountSources.Source seed, Path workDir, List<AutoCloseable> held)
      throws IOException {
    Path root = cacheRoot();
    List<Path> candidates = new ArrayList<>();
    candidates.add(root.resolve(name));
    try (Stream<Path> list = Files.list(root)) {
      list.filter(p -> p.getFileName().toString().startsWith(name + PRIVATE_INFIX))
          .filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
          .sorted()
          .forEach(candidates::add);
    }
    for (Path candidate : candidates) {
      Optional<CacheMountLock> free = CacheMountLock.tryExclusive(lockFile(candidate));
      if (free.isPresent()) {
        held.add(free.get());
        return candidate;
      }
    }
    while (true) {
      String instance = name + PRIVATE_INFIX + UUID.randomUUID().toString().substring(0, 8);
      // Locked before it exists: no other step can take it between its making and its use.
      Optional<CacheMountLock> mine = CacheMountLock.tryExclusive(root.resolve(instance + ".lock"));
      if (mine.isEmpty()) {
        continue;
      }
      held.add(mine.get());
      return cacheDirectory(
          instance, m, seed, workDir.resolveSibling(workDir.getFileName() + "-p"));
    }
  }

  private static Path lockFile(Path cacheDir) {
    return cacheDir.resolveSibling(cacheDir.getFileName() + ".lock");
  }

  private Path cacheRoot() {
    return CacheMounts.directory(scope.storage().store().paths().root());
  }

  private static boolean hasFrom(Mount m) {
    return m.from() != null && !m.from().isEmpty();
  }

  /**
   * The {@code id=}, else the target as written, cleaned (relative stays relative), as BuildKit.
   */
  private static String cacheId(Mount m) {
    return m.cacheId() == null || m.cacheId().isEmpty()
        ? GoPaths.clean(m.target() == null ? "" : m.target())
        : m.cacheId();
  }

  /**
   * The file name of a cache: its id, and for one seeded from a stage or an image, which files and
   * subpath seed it. BuildKit keeps one cache per id and base: another base gets a cache of its
   * own.
   */
  private static String cacheName(Mount m, MountSources.Source from) {
    String id = cacheId(m);
    // One naming rule with kiln cache prune --mounts --id, which finds a cache by its id.
    String name = CacheMounts.nameOf(id);
    if (hasFrom(m)) {
      String source = LayerPath.normalize(m.source() == null ? "" : m.source());
      name += "-from-" + MountSources.shortDigest(from.identity() + "\0" + source);
    }
    return name;
  }

  /**
   * Cache {@code name}'s directory, made when missing: empty with the mount's owner and mode, or a
   * copy of {@code seed}'s files at the mount's {@code source=}. The subpath is chosen when the
   * cache is seeded, never when it is mounted: a cache is written by other steps, maybe at this
   * very moment, so a path inside it resolved now could be a symlink to the host by the time it is
   * mounted. The cache itself is a kiln path.
   */
  private Path cacheDirectory(String name, Mount m, MountSources.Source seed, Path workDir)
      throws IOException {
    Path root = cacheRoot();
    Path dir = root.resolve(name);
    if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return dir;
    }
    String source = LayerPath.normalize(m.source() == null ? "" : m.source());
    Files.createDirectories(root);
    Path temp = Files.createTempDirectory(root, ".new-");
    try {
      if (seed == null) {
        long uid = m.uid() == null ? 0 : m.uid();
        long gid = m.gid() == null ? 0 : m.gid();
        int mode = m.mode() == null ? 0755 : m.mode();
        Files.setAttribute(temp, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
        if ("root".equals(System.getProperty("user.name"))) {
          Files.setAttribute(temp, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
          Files.setAttribute(temp, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
        }
      } else {
        Path seedRoot = seedRoot(seed, workDir);
        Path chosen = MountSourcePath.resolve(seedRoot, source, "type=cache", seed);
        if (!Files.isDirectory(chosen, LinkOption.NOFOLLOW_LINKS)) {
          throw new IOException(
              "RUN --mount=type=cache: source \""
                  + source
                  + "\" in "
                  + seed.description()
                  + " is not a directory; a cache mount needs one");
        }
        Files.delete(temp);
        if (seed instanceof MountSources.Source.Layers) {
          // Unpacked for this step alone: take the directory instead of copying it.
          moveOrCopy(chosen, temp);
        } else {
          MountSources.copy(chosen, temp);
        }
      }
      try {
        Files.move(temp, dir, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      } catch (java.nio.file.FileAlreadyExistsException
          | java.nio.file.DirectoryNotEmptyException e) {
        // Another step made the same cache first; use theirs.
      }
    } finally {
      if (MountSources.exists(temp)) {
        BuildRun.deleteTree(temp);
      }
    }
    return dir;
  }

  private static void moveOrCopy(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (java.nio.file.AtomicMoveNotSupportedException e) {
      MountSources.copy(from, to);
    }
  }

  /** The files of a seed: a directory of the user's as it is, layers unpacked under workDir. */
  private static Path seedRoot(MountSources.Source seed, Path workDir) throws IOException {
    if (seed instanceof MountSources.Source.Layers layers) {
      Path root = Files.createDirectories(workDir.resolve("root"));
      layers.unpackInto(root);
      return root;
    }
    return ((MountSources.Source.Directory) seed).dir();
  }

  private SandboxMount bind(
      Mount m, MountSources.Source from, Path workDir, String target, List<AutoCloseable> held)
      throws IOException {
    Path root = seedRoot(from, workDir);
    String source = LayerPath.normalize(m.source() == null ? "" : m.source());
    Path path = MountSourcePath.resolve(root, source, "type=bind", from);
    if (from instanceof MountSources.Source.Directory dir) {
      // The user's files: never written, and never showing what .dockerignore leaves out.
      DirectoryMountView view =
          DirectoryMountView.of(
              root, path, dir.ignore(), !m.readOnly(), workDir.resolve("view"), from);
      held.add(view);
      path = view.path();
    }
    return new SandboxMount.Bind(path, target, m.readOnly());
  }

  private void secret(
      Mount m,
      List<SandboxMount> out,
      List<String> env,
      List<String> secrets,
      List<Path> secretFiles)
      throws IOException {
    String id = secretId(m);
    Optional<SecretSpec> spec =
        scope.request().secrets().stream().filter(s -> s.id().equals(id)).findFirst();
    byte[] value = null;
    if (spec.isPresent()) {
      SecretSpec s = spec.get();
      if (s.env().isPresent()) {
        String v = environment.get(s.env().get());
        value = v == null ? null : v.getBytes(StandardCharsets.UTF_8);
      } else if (s.file().isPresent()) {
        value = Files.readAllBytes(s.file().get());
      } else if (environment.containsKey(id)) {
        value = environment.get(id).getBytes(StandardCharsets.UTF_8);
      } else if (Files.isRegularFile(Path.of(id))) {
        value = Files.readAllBytes(Path.of(id));
      }
    }
    if (value == null) {
      if (m.required()) {
        throw new IOException(
            "secret "
                + id
                + " is required but was not given; pass --secret id="
                + id
                + ",src=FILE");
      }
      return;
    }
    secrets.addAll(maskedParts(new String(value, StandardCharsets.UTF_8)));
    if (m.env() != null && !m.env().isEmpty()) {
      env.add(m.env() + "=" + new String(value, StandardCharsets.UTF_8));
      if (m.target() == null || m.target().isEmpty()) {
        return;
      }
    }
    Path dir = secretSpace.newStepDirectory("RUN --mount=type=secret,id=" + id);
    secretFiles.add(dir);
    Path file = dir.resolve("secret");
    Files.write(file, value);
    Files.setAttribute(
        file, "unix:mode", m.mode() == null ? 0400 : m.mode(), LinkOption.NOFOLLOW_LINKS);
    if ("root".equals(System.getProperty("user.name"))) {
      Files.setAttribute(
          file, "unix:uid", m.uid() == null ? 0 : m.uid().intValue(), LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(
          file, "unix:gid", m.gid() == null ? 0 : m.gid().intValue(), LinkOption.NOFOLLOW_LINKS);
    }
    String target =
        m.target() == null || m.target().isEmpty() ? "/run/secrets/" + base(id) : m.target();
    out.add(new SandboxMount.Bind(file, target, true));
  }

  /**
   * BuildKit's secret id: {@code id=}, or {@code source=} (its other name), else the last element
   * of {@code target=} ({@code target=/root/.npmrc} is secret {@code .npmrc}).
   */
  static String secretId(Mount m) {
    if (m.source() != null && !m.source().isEmpty()) {
      return m.source();
    }
    if (m.cacheId() != null && !m.cacheId().isEmpty()) {
      return m.cacheId();
    }
    return base(m.target() == null ? "" : m.target());
  }

  /** Go's {@code path.Base}: the last element, trailing slashes dropped; "." for "". */
  private static String base(String path) {
    if (path.isEmpty()) {
      return ".";
    }
    String trimmed = path.replaceAll("/+$", "");
    return trimmed.isEmpty() ? "/" : trimmed.substring(trimmed.lastIndexOf('/') + 1);
  }

  /**
   * What of a secret value output must never show: the value, and each of its lines, since the
   * output is read and masked line by line (a key file printed by {@code cat} arrives one line at a
   * time). Lines shorter than {@value #MIN_MASKED_LINE} characters ("}", "==") are left: they give
   * little away, and masking them would garble ordinary output.
   */
  static List<String> maskedParts(String value) {
    List<String> parts = new ArrayList<>();
    String whole = value.strip();
    if (!whole.isEmpty()) {
      parts.add(whole);
    }
    for (String line : whole.split("\\R")) {
      String trimmed = line.strip();
      if (trimmed.length() >= MIN_MASKED_LINE && !parts.contains(trimmed)) {
        parts.add(trimmed);
      }
    }
    return parts;
  }

  /**
   * An SSH agent for the step, as buildx forwards one: the socket or key files {@code --ssh ID=…}
   * names, else the user's {@code $SSH_AUTH_SOCK}, always through a socket of kiln's own ({@link
   * SshAgentProxy}) with the mount's owner and mode. {@code number} counts the step's ssh mounts;
   * the first one's target is {@code SSH_AUTH_SOCK}.
   */
  private void ssh(
      Mount m,
      int number,
      Path scratch,
      List<SandboxMount> out,
      List<String> env,
      List<AutoCloseable> held,
      List<Path> privateDirs)
      throws IOException {
    String id = m.cacheId() == null || m.cacheId().isEmpty() ? "default" : m.cacheId();
    String target =
        m.target() == null || m.target().isEmpty()
            ? "/run/buildkit/ssh_agent." + number
            : m.target();
    if (number == 0) {
      env.add("SSH_AUTH_SOCK=" + target);
    }
    Optional<SshSpec> spec =
        scope.request().ssh().stream().filter(s -> s.id().equals(id)).findFirst();
    if (spec.isEmpty()) {
      if (m.required()) {
        throw new IOException(
            "no SSH agent \""
                + id
                + "\" was given for RUN --mount=type=ssh,required; pass --ssh "
                + id
                + " (it forwards $SSH_AUTH_SOCK) or --ssh "
                + id
                + "=SOCKET|KEYFILE");
      }
      return;
    }
    Path agent = agentSocket(spec.get(), held, privateDirs);
    Path dir;
    if (secretSpace.dir().isPresent()) {
      dir = secretSpace.newStepDirectory("RUN --mount=type=ssh,id=" + id);
      privateDirs.add(dir);
    } else {
      dir = Files.createDirectories(scratch.resolve("ssh-" + number));
    }
    SshAgentProxy proxy =
        SshAgentProxy.start(
            agent,
            dir.resolve("ssh_auth_sock"),
            m.uid() == null ? 0 : m.uid(),
            m.gid() == null ? 0 : m.gid(),
            m.mode() == null ? 0600 : m.mode() & 0777,
            HostIdentity.current().isRoot());
    held.add(proxy);
    out.add(new SandboxMount.Bind(proxy.socket(), target, false));
  }

  /** The agent {@code spec} names: a socket as it is, key files served by an agent of kiln's. */
  private Path agentSocket(SshSpec spec, List<AutoCloseable> held, List<Path> privateDirs)
      throws IOException {
    if (spec.paths().isEmpty()) {
      String socket = environment.get("SSH_AUTH_SOCK");
      if (socket == null || socket.isEmpty()) {
        throw new IOException(
            "--ssh "
                + spec.id()
                + ": invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set (start"
                + " ssh-agent and ssh-add your key), or pass --ssh "
                + spec.id()
                + "=SOCKET|KEYFILE");
      }
      return Path.of(socket);
    }
    if (spec.paths().size() == 1 && SshSpec.isSocket(spec.paths().get(0))) {
      return spec.paths().get(0);
    }
    Path dir = secretSpace.newStepDirectory("--ssh " + spec.id() + " with a key file");
    privateDirs.add(dir);
    SshKeyAgent agent = SshKeyAgent.start(spec.id(), spec.paths(), dir);
    held.add(agent);
    return agent.socket();
  }
}
