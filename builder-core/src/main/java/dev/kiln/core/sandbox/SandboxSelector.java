package dev.kiln.core.sandbox;

import dev.kiln.core.host.HostCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the sandbox for {@code --isolation}. An OCI runtime counts only when it really runs a
 * tiny container with the same kind of bundle a step gets: on some machines a runtime is installed
 * but refuses every container (crun 1.8 on a cgroup v1/v2 hybrid host: "cgroups in hybrid mode not
 * supported"). {@code crun} is tried before {@code runc}. Each runtime is tried once per process
 * and the outcome is remembered.
 */
public final class SandboxSelector {
  private static final List<String> RUNTIMES = List.of("crun", "runc");
  private static final Map<String, Probe> PROBES = new ConcurrentHashMap<>();
  private static final AtomicInteger PROBE_RUNS = new AtomicInteger();

  private SandboxSelector() {}

  /** A runtime's test-run outcome: whether it worked and what it said. */
  record Probe(OciRuntime runtime, boolean works, String detail) {}

  /**
   * Chooses the sandbox for {@code requested}.
   *
   * @throws SandboxException when {@code oci} was requested and no runtime works, or the chroot
   *     backend's programs are missing
   */
  public static SandboxChoice select(Isolation requested, SandboxSettings settings) {
    List<Candidate> candidates = new ArrayList<>();
    for (String name : RUNTIMES) {
      candidates.add(new Candidate(name, HostTools.find(name)));
    }
    return select(requested, settings, candidates);
  }

  /** An OCI runtime to try, by name, and where it is installed (if it is). */
  record Candidate(String name, Optional<Path> path) {}

  /** {@link #select(Isolation, SandboxSettings)} with the runtimes to try, in order. */
  static SandboxChoice select(
      Isolation requested, SandboxSettings settings, List<Candidate> candidates) {
    if (requested == Isolation.CHROOT) {
      return new SandboxChoice(
          new ChrootSandbox(settings), Isolation.CHROOT, "requested with --isolation=chroot");
    }
    List<String> notes = new ArrayList<>();
    for (Candidate candidate : candidates) {
      if (candidate.path().isEmpty()) {
        notes.add(candidate.name() + ": not installed");
        continue;
      }
      Probe probe = probe(candidate.name(), candidate.path().get(), settings);
      if (probe.works()) {
        String reason =
            probe.runtime()
                + " ran a test container"
                + (notes.isEmpty() ? "" : " (" + String.join("; ", notes) + ")");
        return new SandboxChoice(new OciSandbox(probe.runtime(), settings), Isolation.OCI, reason);
      }
      notes.add(probe.runtime() + " failed a test container: " + probe.detail());
    }
    if (requested == Isolation.OCI) {
      throw new SandboxException(
          "--isolation=oci: no working OCI runtime ("
              + String.join("; ", notes)
              + "); install runc (Debian: apt-get install runc) or use --isolation=chroot");
    }
    return new SandboxChoice(
        new ChrootSandbox(settings),
        Isolation.CHROOT,
        "no working OCI runtime (" + String.join("; ", notes) + ")");
  }

  /** How many test containers this process has run (for tests of the memo). */
  static int probeRuns() {
    return PROBE_RUNS.get();
  }

  private static Probe probe(String name, Path path, SandboxSettings settings) {
    return PROBES.computeIfAbsent(
        key(path, settings.rootless()), k -> runProbe(name, path, settings));
  }

  private static String key(Path path, boolean rootless) {
    return path + (rootless ? " rootless" : " root");
  }

  private static Probe runProbe(String name, Path path, SandboxSettings settings) {
    PROBE_RUNS.incrementAndGet();
    OciRuntime runtime = new OciRuntime(name, path, version(path));
    Path dir = null;
    try {
      dir = Files.createDirectories(settings.stateDir()).resolve("probe-" + System.nanoTime());
      Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
      Path trueBinary = HostTools.require("true", "coreutils", "to test an OCI runtime");
      RunRequest.Builder request =
          RunRequest.builder(rootfs, List.of(trueBinary.toString()))
              .network(NetworkMode.NONE)
              .timeout(Duration.ofSeconds(60));
      // The test container runs the host's own `true`, with the host's program directories bound
      // read-only, so no image is needed.
      for (String top : List.of("usr", "bin", "sbin", "lib", "lib32", "lib64", "libx32")) {
        Path host = Path.of("/", top);
        if (Files.isSymbolicLink(host)) {
          Files.createSymbolicLink(rootfs.resolve(top), Files.readSymbolicLink(host));
        } else if (Files.isDirectory(host)) {
          Files.createDirectory(rootfs.resolve(top));
          request.mount(new SandboxMount.Bind(host, "/" + top, true));
        }
      }
      List<String> lines = new ArrayList<>();
      RunResult result =
          new OciSandbox(runtime, settings).run(request.build(), (stream, line) -> lines.add(line));
      if (result.succeeded()) {
        return new Probe(runtime, true, "");
      }
      String said = lines.isEmpty() ? result.describe() : lines.get(lines.size() - 1);
      return new Probe(runtime, false, said);
    } catch (SandboxException | java.io.IOException | java.io.UncheckedIOException e) {
      return new Probe(runtime, false, String.valueOf(e.getMessage()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Probe(runtime, false, "interrupted");
    } finally {
      if (dir != null) {
        StepDirectory.deleteRecursively(dir);
      }
    }
  }

  private static String version(Path runtime) {
    try {
      HostCommand.Result result = HostCommand.of(runtime.toString(), "--version").run();
      for (String line : result.stdout().split("\n")) {
        int at = line.indexOf("version ");
        if (at >= 0) {
          return line.substring(at + "version ".length()).trim();
        }
      }
    } catch (java.io.IOException e) {
      // The version is only for messages.
    }
    return "(unknown version)";
  }
}
