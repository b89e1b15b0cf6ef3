package dev.kiln.core.engine;

import dev.kiln.api.request.SecretSpec;
import dev.kiln.api.request.SshSpec;
import dev.kiln.cache.store.CacheMounts;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.sandbox.SandboxMount;
import dev.kiln.dockerfile.instructions.Mount;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code RUN --mount}: turns each mount into something the sandbox can bind. Cache mounts live
 * under the store ({@code mounts/cache/<id>}) across builds and never become part of a layer or a
 * key; one with {@code from=} starts as a copy of that stage's or image's files (one cache per id
 * and base). Secrets are copied into the build's {@link SecretSpace} (a tmpfs, never the disk) with
 * their mode and owner, bound read-only (or given as an environment variable) and redacted from the
 * output. Bind mounts of another stage or image see its files; a read-write bind of a directory of
 * the user's gets a copy. An SSH agent socket is bound and {@code SSH_AUTH_SOCK} set.
 */
final class RunMounts {
  /** The shortest line of a multi-line secret that output is masked for. */
  static final int MIN_MASKED_LINE = 6;

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
      List<FileLock> locks,
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
      for (Path dir : secretFiles) {
        BuildRun.deleteTree(dir);
      }
      for (FileLock lock : locks) {
        lock.channel().close();
      }
    }
  }

  Prepared prepare(List<Mount> mounts, List<MountSources.Source> sources, Path scratch)
      throws IOException {
    List<SandboxMount> out = new ArrayList<>();
    List<String> env = new ArrayList<>();
    List<String> secrets = new ArrayList<>();
    List<FileLock> locks = new ArrayList<>();
    List<Path> secretFiles = new ArrayList<>();
    int index = 0;
    try {
      for (Mount m : mounts) {
        index++;
        switch (m.type()) {
          case TMPFS -> out.add(new SandboxMount.Tmpfs(m.target(), m.sizeLimit()));
          case CACHE ->
              out.add(cache(m, sources.get(index - 1), locks, scratch.resolve("cache-" + index)));
          case BIND -> out.add(bind(m, sources.get(index - 1), scratch.resolve("bind-" + index)));
          case SECRET -> secret(m, out, env, secrets, secretFiles);
          case SSH -> ssh(m, index, out, env);
        }
      }
    } catch (IOException | RuntimeException e) {
      new Prepared(out, env, secrets, locks, secretFiles).close();
      throw e;
    }
    return new Prepared(out, env, secrets, locks, secretFiles);
  }

  private SandboxMount cache(Mount m, MountSources.Source from, List<FileLock> locks, Path workDir)
      throws IOException {
    String id = m.cacheId() == null || m.cacheId().isEmpty() ? m.target() : m.cacheId();
    // One naming rule with kiln cache prune --mounts --id, which finds a cache by its id.
    String safe = CacheMounts.nameOf(id);
    Path root = CacheMounts.directory(scope.store().paths().root());
    MountSources.Source seed = null;
    String source = LayerPath.normalize(m.source() == null ? "" : m.source());
    if (m.from() != null && !m.from().isEmpty()) {
      // BuildKit keeps one cache per id and base: a cache seeded from a stage or an image starts
      // as a copy of its files (of source= in them), and another base gets a cache of its own.
      // The subpath is chosen when the cache is seeded, never when it is mounted: a cache is
      // written by other steps, maybe at this very moment, so a path inside it resolved now could
      // be a symlink to the host by the time it is mounted. The cache itself is a kiln path.
      seed = from;
      safe += "-from-" + MountSources.shortDigest(seed.identity() + "\0" + source);
    }
    Path dir = root.resolve(safe);
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
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
    }
    if (m.sharing() == Mount.Sharing.LOCKED || m.sharing() == Mount.Sharing.PRIVATE) {
      // private is served like locked: one step at a time owns the cache (no copies are made).
      FileChannel channel =
          FileChannel.open(
              root.resolve(safe + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      locks.add(channel.lock());
    }
    CacheMounts.markUsed(dir); // a prune removes caches no step mounted for a while first
    return new SandboxMount.Bind(dir, m.target(), m.readOnly());
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

  private SandboxMount bind(Mount m, MountSources.Source from, Path workDir) throws IOException {
    Path root = seedRoot(from, workDir);
    String source = LayerPath.normalize(m.source() == null ? "" : m.source());
    Path path = MountSourcePath.resolve(root, source, "type=bind", from);
    if (!m.readOnly() && from instanceof MountSources.Source.Directory) {
      // rw binds may scribble, but never on the user's directories: give them a copy.
      Path copy = workDir.resolve("rw");
      Files.createDirectories(workDir);
      MountSources.copy(path, copy);
      path = copy;
    }
    return new SandboxMount.Bind(path, m.target(), m.readOnly());
  }

  private void secret(
      Mount m,
      List<SandboxMount> out,
      List<String> env,
      List<String> secrets,
      List<Path> secretFiles)
      throws IOException {
    String id = m.cacheId();
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
    String target = m.target() == null || m.target().isEmpty() ? "/run/secrets/" + id : m.target();
    out.add(new SandboxMount.Bind(file, target, true));
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

  private void ssh(Mount m, int index, List<SandboxMount> out, List<String> env)
      throws IOException {
    String id = m.cacheId() == null || m.cacheId().isEmpty() ? "default" : m.cacheId();
    Optional<SshSpec> spec =
        scope.request().ssh().stream().filter(s -> s.id().equals(id)).findFirst();
    Path socket = null;
    if (spec.isPresent()) {
      if (!spec.get().paths().isEmpty()) {
        socket = spec.get().paths().get(0);
      } else if (environment.get("SSH_AUTH_SOCK") != null) {
        socket = Path.of(environment.get("SSH_AUTH_SOCK"));
      }
    }
    if (socket == null) {
      if (m.required()) {
        throw new IOException(
            "ssh agent " + id + " is required but was not given; pass --ssh " + id);
      }
      return;
    }
    String target =
        m.target() == null || m.target().isEmpty()
            ? "/run/buildkit/ssh_agent." + (index - 1)
            : m.target();
    out.add(new SandboxMount.Bind(socket, target, false));
    env.add("SSH_AUTH_SOCK=" + target);
  }
}
