package dev.kiln.core.sandbox;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * kiln's own isolation, built from util-linux programs; no OCI runtime and no native code.
 *
 * <p>Two host processes per step:
 *
 * <ol>
 *   <li>a <em>holder</em>: {@code unshare --mount --pid --ipc --uts [--net] [--user …] --fork
 *       --kill-child} running {@link ChrootSetupScript} as pid 1 of the new pid namespace. It
 *       mounts {@code /proc}, {@code /dev}, {@code /sys}, hosts, resolv.conf and the step's mounts
 *       onto the rootfs inside its private mount namespace, then waits on its stdin;
 *   <li>the <em>command</em>: {@code nsenter} into the holder's namespaces, {@code prlimit} when
 *       the step has resource limits ({@code --ulimit}), {@code setpriv} to drop the capability
 *       bounding set to Docker's default (or, for a privileged step, to hand every capability on as
 *       ambient) and set the groups, then {@code unshare --root --wd --setuid} to chroot, change
 *       directory and become the step's user, and exec the command.
 * </ol>
 *
 * The command is started by kiln with exactly the step's environment, so that no shell between kiln
 * and the command can drop variables whose names a shell rejects ({@code spring.profiles}) or add
 * its own ({@code PWD}). Because the holder is pid 1, the command runs as pid 2 or higher; when it
 * exits, kiln ends the holder and the kernel kills whatever the step left running. The mounts live
 * only in the holder's mount namespace and vanish with it, also when kiln dies: its end of the
 * holder's stdin closes and the holder exits.
 */
final class ChrootSandbox implements Sandbox {
  private static final long READY_TIMEOUT_SECONDS = 60;
  private static final String HOST_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  private final SandboxSettings settings;
  private final ChrootTools tools;

  ChrootSandbox(SandboxSettings settings) {
    this.settings = settings;
    this.tools = ChrootTools.find();
  }

  @Override
  public Isolation isolation() {
    return Isolation.CHROOT;
  }

  @Override
  public RunResult run(RunRequest request, OutputListener output) throws InterruptedException {
    checkUserMapped(request.user());
    if (!request.network().sharesHostNetwork()) {
      HostTools.require("ip", "iproute2", "to bring up loopback for --network=none");
    }
    long started = System.nanoTime();
    try (StepDirectory step = StepDirectory.create(settings, request)) {
      RootPath.createDirectories(request.rootfs(), request.workingDir());
      MountStubs stubs = MountStubs.create(request.rootfs(), StepTargets.of(request));
      try {
        Path script = step.path().resolve("setup.sh");
        Files.writeString(
            script,
            ChrootSetupScript.render(request, stubs, step, settings.rootless(), tools),
            StandardCharsets.UTF_8);
        Holder holder = Holder.start(holderCommand(request, script));
        try {
          if (settings.writesIdMapsItself()) {
            holder.mapIds(settings.userNamespace().get());
          }
          long initPid = holder.awaitReady();
          return runCommand(request, output, initPid, started);
        } finally {
          holder.stop();
        }
      } finally {
        stubs.remove();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run a step in " + request.rootfs(), e);
    }
  }

  private RunResult runCommand(
      RunRequest request, OutputListener output, long initPid, long started)
      throws InterruptedException, IOException {
    ProcessBuilder builder =
        new ProcessBuilder(commandLine(request, initPid))
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Map<String, String> env = builder.environment();
    env.clear();
    for (String entry : request.env()) {
      int eq = entry.indexOf('=');
      env.put(entry.substring(0, eq), entry.substring(eq + 1));
    }
    // As runc (and so Docker and BuildKit) does: a step without HOME gets its user's home.
    if (env.getOrDefault("HOME", "").isEmpty()) {
      env.put("HOME", UserResolver.homeDirectory(request.rootfs(), request.user().uid()));
    }
    Process process = builder.start();
    OutputPump pump = OutputPump.start(process, output, "kiln-run-" + initPid);
    boolean timedOut = false;
    try {
      if (!ProcessControl.waitFor(process, request.timeout())) {
        timedOut = true;
        ProcessControl.kill(initPid);
        ProcessControl.waitUninterruptibly(process, 10_000);
      }
    } catch (InterruptedException e) {
      ProcessControl.kill(initPid);
      process.destroyForcibly();
      ProcessControl.waitUninterruptibly(process, 10_000);
      throw e;
    }
    // Whatever the step left running still holds the output pipes: end the namespace first.
    ProcessControl.kill(initPid);
    if (!ProcessControl.waitUninterruptibly(process, 10_000)) {
      process.destroyForcibly();
      process.waitFor();
    }
    pump.join();
    return new RunResult(
        process.exitValue(), pump.tail(), Duration.ofNanos(System.nanoTime() - started), timedOut);
  }

  private List<String> holderCommand(RunRequest request, Path script) {
    List<String> cmd = new ArrayList<>();
    if (settings.writesIdMapsItself()) {
      // Root without CAP_SYS_ADMIN: first a user namespace alone, whose maps kiln writes (it holds
      // CAP_SETUID and CAP_SETGID; unshare can map only one id, newuidmap wants /etc/subuid lines
      // for root). Only once mapped does the shell exec the second unshare: an exec before that
      // would run as an unmapped user and drop every capability in the namespace.
      cmd.addAll(List.of(tools.unshare().toString(), "--user", "--", tools.sh().toString(), "-c"));
      cmd.add("echo " + Holder.MAP_IDS + " && read _ && exec \"$@\"");
      cmd.add("kiln-holder");
    }
    cmd.add(tools.unshare().toString());
    settings
        .userNamespace()
        .filter(plan -> !settings.writesIdMapsItself())
        .ifPresent(
            plan -> {
              cmd.add("--map-root-user");
              if (plan.hasSubordinateRanges()) {
                IdMapping uids = plan.uidMap().get(1);
                IdMapping gids = plan.gidMap().get(1);
                cmd.add(
                    "--map-users=" + uids.hostId() + "," + uids.containerId() + "," + uids.size());
                cmd.add(
                    "--map-groups=" + gids.hostId() + "," + gids.containerId() + "," + gids.size());
              }
            });
    cmd.addAll(List.of("--mount", "--pid", "--ipc", "--uts"));
    if (!request.network().sharesHostNetwork()) {
      cmd.add("--net");
    }
    cmd.addAll(List.of("--fork", "--kill-child", "--propagation", "private", "--"));
    cmd.add(tools.sh().toString());
    cmd.add(script.toString());
    return cmd;
  }

  private List<String> commandLine(RunRequest request, long initPid) {
    ResolvedUser user = request.user();
    List<String> cmd = new ArrayList<>();
    cmd.add(tools.nsenter().toString());
    cmd.add("--target=" + initPid);
    if (settings.rootless()) {
      cmd.add("--user");
      cmd.add("--preserve-credentials");
    }
    cmd.addAll(List.of("--mount", "--uts", "--ipc", "--pid"));
    if (!request.network().sharesHostNetwork()) {
      cmd.add("--net");
    }
    cmd.add("--");
    if (!request.rlimits().isEmpty()) {
      // Set while still privileged (a hard limit above kiln's own needs CAP_SYS_RESOURCE); every
      // process after it inherits them.
      cmd.add(prlimit().toString());
      request.rlimits().forEach(l -> cmd.add(l.prlimitOption()));
      cmd.add("--");
    }
    cmd.add(tools.setpriv().toString());
    if (request.privileged()) {
      // The bounding set is left as it is (kiln's own, or a user namespace's full one); every
      // capability in it becomes inheritable and ambient, so the command holds them after exec,
      // also as a non-root user: keeping them through unshare's setuid takes no_setuid_fixup.
      String all = FullPrivileges.setprivList(FullPrivileges.capabilities(settings.rootless()));
      cmd.add("--inh-caps=-all," + all);
      cmd.add("--ambient-caps=" + all);
      if (!user.isRoot()) {
        cmd.add("--securebits=+no_setuid_fixup");
      }
    } else {
      cmd.add("--bounding-set=" + ContainerDefaults.setprivBoundingSet());
      cmd.add("--inh-caps=-all");
    }
    boolean groupsSettable =
        settings.userNamespace().map(UserNamespacePlan::groupsSettable).orElse(true);
    if (groupsSettable) {
      cmd.add("--regid=" + user.gid());
      cmd.add("--groups=" + String.join(",", user.groups().stream().map(String::valueOf).toList()));
    }
    cmd.add("--");
    cmd.add(tools.unshare().toString());
    cmd.add("--root=" + request.rootfs());
    cmd.add("--wd=" + request.workingDir());
    if (!user.isRoot()) {
      cmd.add("--setuid=" + user.uid());
    }
    cmd.add("--");
    cmd.addAll(request.argv());
    return cmd;
  }

  private Path prlimit() {
    return tools
        .prlimit()
        .orElseThrow(
            () ->
                new SandboxException(
                    "--ulimit needs prlimit in the chroot isolation, and it is not on the PATH:"
                        + " install util-linux (which has prlimit), or use --isolation=oci"));
  }

  private void checkUserMapped(ResolvedUser user) {
    settings
        .userNamespace()
        .ifPresent(
            plan -> plan.requireCanRunAs(user, settings.identity(), settings.helpersRefused()));
  }

  /** The namespace-holding process and its readiness handshake. */
  private static final class Holder {
    private final Process process;
    private final BlockingQueue<String> stdout = new LinkedBlockingQueue<>();
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stderrReader;

    private Holder(Process process) {
      this.process = process;
      Thread stdoutReader =
          new Thread(() -> readLines(process.getInputStream(), stdout), "kiln-holder-stdout");
      stdoutReader.setDaemon(true);
      stdoutReader.start();
      this.stderrReader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                  String line;
                  while ((line = in.readLine()) != null) {
                    synchronized (stderr) {
                      if (stderr.length() < 16_384) {
                        stderr.append(line).append('\n');
                      }
                    }
                  }
                } catch (IOException e) {
                  // The holder is gone.
                }
              },
              "kiln-holder-stderr");
      stderrReader.setDaemon(true);
      stderrReader.start();
    }

    static Holder start(List<String> command) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().clear();
      builder.environment().put("PATH", HOST_PATH);
      return new Holder(builder.start());
    }

    static final String MAP_IDS = "map-ids";

    /**
     * Writes the holder's uid and gid maps once it has made its user namespace, then lets it go on.
     * The kernel takes each map in one write and only once.
     */
    void mapIds(UserNamespacePlan plan) throws InterruptedException, IOException {
      String line = stdout.poll(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!MAP_IDS.equals(line)) {
        throw failure();
      }
      Path proc = Path.of("/proc", Long.toString(process.pid()));
      try {
        Files.writeString(
            proc.resolve("uid_map"),
            UserNamespacePlan.mapFile(plan.uidMap()),
            StandardCharsets.US_ASCII,
            java.nio.file.StandardOpenOption.WRITE);
        Files.writeString(
            proc.resolve("gid_map"),
            UserNamespacePlan.mapFile(plan.gidMap()),
            StandardCharsets.US_ASCII,
            java.nio.file.StandardOpenOption.WRITE);
      } catch (IOException e) {
        throw new SandboxException(
            "cannot set up the chroot sandbox: kiln (root without CAP_SYS_ADMIN) cannot write the"
                + " id maps of the step's user namespace ("
                + e.getMessage()
                + "); give kiln's container CAP_SETUID and CAP_SETGID (they are in podman's and"
                + " Docker's defaults) or CAP_SYS_ADMIN");
      }
      process.getOutputStream().write('\n');
      process.getOutputStream().flush();
    }

    /** Waits for the setup to finish and returns the host pid of the namespace's init. */
    long awaitReady() throws InterruptedException {
      String line;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(READY_TIMEOUT_SECONDS);
      while ((line = stdout.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS))
          != null) {
        if (line.equals(ChrootSetupScript.READY)) {
          return ProcessControl.namespaceInit(process.toHandle())
              .orElseThrow(
                  () -> new SandboxException("the step's namespace holder has no init process"));
        }
        if (line.equals(EOF)) {
          break;
        }
      }
      throw failure();
    }

    /** The holder's failure, with what it said and, where kiln knows one, the fix. */
    private SandboxException failure() {
      ProcessControl.waitUninterruptibly(process, 5_000);
      try {
        stderrReader.join(2_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      String err;
      synchronized (stderr) {
        err = stderr.toString().strip();
      }
      return new SandboxException(
          "cannot set up the chroot sandbox: "
              + (process.isAlive()
                  ? "no answer within " + READY_TIMEOUT_SECONDS + " s"
                  : "exit code " + process.exitValue())
              + (err.isEmpty() ? "" : ": " + err)
              + NamespaceRefusal.hint(err).map(h -> "; " + h).orElse(""));
    }

    /** Ends the holder: closes its stdin, then kills its namespace if it lingers. */
    void stop() {
      try {
        // End of file on its stdin lets the holder's `read` return.
        process.getOutputStream().close();
      } catch (IOException e) {
        // Already gone.
      }
      if (!ProcessControl.waitUninterruptibly(process, 2_000)) {
        ProcessControl.namespaceInit(process.toHandle()).ifPresent(ProcessControl::kill);
        process.destroyForcibly();
        ProcessControl.waitUninterruptibly(process, 10_000);
      }
    }

    private static final String EOF = "\u0000eof";

    private static void readLines(java.io.InputStream in, BlockingQueue<String> lines) {
      try (BufferedReader reader =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // The holder is gone.
      }
      lines.add(EOF);
    }
  }
}
