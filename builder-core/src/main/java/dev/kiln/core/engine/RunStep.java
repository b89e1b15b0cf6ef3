package dev.kiln.core.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.StepRef;
import dev.kiln.api.request.HostMapping;
import dev.kiln.api.request.Ulimit;
import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.layer.WrittenLayer;
import dev.kiln.core.sandbox.HostEntry;
import dev.kiln.core.sandbox.NetworkMode;
import dev.kiln.core.sandbox.ResolvedUser;
import dev.kiln.core.sandbox.Rlimit;
import dev.kiln.core.sandbox.RunRequest;
import dev.kiln.core.sandbox.RunResult;
import dev.kiln.core.sandbox.SandboxMount;
import dev.kiln.core.sandbox.SecurityMode;
import dev.kiln.core.sandbox.StdStream;
import dev.kiln.core.sandbox.UserResolver;
import dev.kiln.core.snapshot.Snapshot;
import dev.kiln.core.snapshot.SnapshotDiff;
import dev.kiln.core.step.ConfigInstructions;
import dev.kiln.dockerfile.instructions.CommandLine;
import dev.kiln.dockerfile.instructions.Mount;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.plan.DispatchedInstruction;
import dev.kiln.dockerfile.plan.EnvVar;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.ImageConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * RUN: a writable snapshot over the stage's layers (each unpacked once, in overlayfs form), the
 * command in the build's sandbox with the step's environment, user, working directory, network,
 * security mode and mounts, its output streamed to the listener line by line, and what it changed
 * written as a layer. A command that fails fails the step with its exit code and last lines;
 * nothing of it is kept.
 */
final class RunStep implements Step {
  private final BuildScope scope;
  private final RunTools tools;
  private final LayerDirectories layers;
  private final RunMounts mounts;
  private final Sources sources;

  RunStep(
      BuildScope scope,
      RunTools tools,
      LayerDirectories layers,
      RunMounts mounts,
      Sources sources) {
    this.scope = scope;
    this.tools = tools;
    this.layers = layers;
    this.mounts = mounts;
    this.sources = sources;
  }

  @Override
  public boolean writesLayers() {
    return true;
  }

  /**
   * A RUN's key covers its whole environment (not proxies), its mount definitions and what each
   * bind mount shows, the network, user, working directory and shell; never secret values or
   * cache-mount contents.
   */
  @Override
  public void key(StepInput in, CacheKeyBuilder key) throws IOException {
    RunInstruction run = (RunInstruction) in.instruction();
    for (String entry : in.step().cacheEnvironment()) {
      int eq = entry.indexOf('=');
      key.variable(entry.substring(0, eq), entry.substring(eq + 1));
    }
    for (String mount : run.mountSpecs()) {
      key.mount(mount);
    }
    List<Mount> all = run.mounts();
    for (int i = 0; i < all.size(); i++) {
      Mount mount = all.get(i);
      if (mount.type() == Mount.Type.BIND) {
        String from = mount.from() == null ? "" : mount.from();
        String source = LayerPath.normalize(mount.source() == null ? "" : mount.source());
        key.input(
            "bind" + (i + 1) + ":" + from + ":" + source,
            sources.mountChecksum(mountSource(in, i), source));
      }
    }
    ContainerConfig config = in.state().config().configOrEmpty();
    key.field("network", scope.request().network());
    // As BuildKit, whose exec op carries the extra hosts: another --add-host is another step.
    // Left out when there are none, so keys from before the flag existed still match.
    if (!scope.request().extraHosts().isEmpty()) {
      key.field(
          "extra-hosts",
          scope.request().extraHosts().stream()
              .map(h -> h.host() + "=" + h.address())
              .collect(java.util.stream.Collectors.joining(",")));
    }
    // Likewise the exec op's ulimits and its /dev/shm mount size.
    if (!scope.request().ulimits().isEmpty()) {
      key.field(
          "ulimits",
          scope.request().ulimits().stream()
              .map(Ulimit::toString)
              .collect(java.util.stream.Collectors.joining(",")));
    }
    if (scope.request().shmSize() > 0) {
      key.field("shm-size", Long.toString(scope.request().shmSize()));
    }
    key.field("user", String.valueOf(config.user()));
    key.field("workdir", String.valueOf(config.workingDir()));
    key.field("shell", String.valueOf(config.shell()));
  }

  /** What mount {@code index} of the step reads, as the plan resolved its {@code from=}. */
  private Sources.Source mountSource(StepInput in, int index) throws IOException {
    return sources.resolve(
        in.stages().plan().mountSource(in.stage(), in.step().parsed(), index), in.stages());
  }

  @Override
  public StageState execute(StepInput in) throws IOException, RunFailedException {
    StageState state = in.state();
    ImageConfig config = state.config();
    Outcome outcome = run(in);
    if (outcome.layer().isEmpty()) {
      return state.withConfig(
          config.toBuilder()
              .addHistory(StepHistory.entry(scope.write(), outcome.createdBy(), false))
              .build());
    }
    return StepHistory.addWritten(
        scope.storage(), scope.write(), state, config, outcome.layer().get(), outcome.createdBy());
  }

  /** What RUN produced: its layer (none when it changed nothing) and history text. */
  private record Outcome(java.util.Optional<WrittenLayer> layer, String createdBy) {}

  private Outcome run(StepInput in) throws IOException, RunFailedException {
    DispatchedInstruction step = in.step();
    RunInstruction run = (RunInstruction) in.instruction();
    StageState state = in.state();
    StepRef ref = in.ref();
    // EntitlementCheck refused this build before anything ran; this is the last line, right where
    // the privileges would be handed out.
    if (EntitlementCheck.missing(run, scope.request()).isPresent()) {
      throw new IllegalStateException("a step without its entitlement reached the sandbox");
    }
    // A stage's platform is its image's; a config without one is the build's target.
    tools.checkPlatform(
        state.config().platform() != null
            ? state.config().platform().normalize()
            : scope.targetPlatform());
    ContainerConfig config = state.config().configOrEmpty();
    Path scratch = Files.createTempDirectory(scope.storage().spool(), "run-");
    List<SandboxMount> extra = new ArrayList<>();
    List<String> argv = argv(run.command(), config, scratch, extra);
    List<Path> lower = lowerDirectories(state);
    List<String> env = new ArrayList<>(step.processEnvironment());
    String workdir =
        config.workingDir() == null || config.workingDir().isEmpty() ? "/" : config.workingDir();
    try (Snapshot snapshot = tools.snapshotter().snapshotter().prepare(lower);
        RunMounts.Prepared prepared =
            mounts.prepare(run.mounts(), mountFiles(in), scratch, workdir)) {
      extra.addAll(prepared.mounts());
      addMountEnvironment(env, prepared.env());
      RunRequest request =
          sandboxRequest(run, snapshot, argv, env, workdir, user(config, snapshot), extra);
      RunResult result = runInSandbox(request, ref, prepared, argv);
      if (!result.succeeded()) {
        throw new RunFailedException(argv, result, prepared::redact);
      }
      SnapshotDiff diff = snapshot.diff();
      String createdBy = "RUN " + commandString(argv, state, step) + " # buildkit";
      if (diff.isEmpty()) {
        return new Outcome(java.util.Optional.empty(), createdBy);
      }
      // Written while the snapshot is still there: the diff's entries read from it.
      LayerTree changes =
          DiffEntries.of(
              diff, snapshot.rootfs(), scope.write().createdSeconds(), tools.userNamespace());
      WrittenLayer layer =
          new LayerWriter(scope.storage().store(), scope.write().layerOptions()).write(changes);
      layers.adopt(layer.diffId(), snapshot);
      return new Outcome(java.util.Optional.of(layer), createdBy);
    } finally {
      BuildRun.deleteTree(scratch);
    }
  }

  /** What the sandbox runs: the step's process, its mounts, and the build's RUN options. */
  private RunRequest sandboxRequest(
      RunInstruction run,
      Snapshot snapshot,
      List<String> argv,
      List<String> env,
      String workdir,
      ResolvedUser user,
      List<SandboxMount> mounts) {
    RunRequest.Builder request =
        RunRequest.builder(snapshot.rootfs(), argv)
            .env(env)
            .workingDir(workdir)
            .user(user)
            .network(network(run))
            .security(
                run.security() == RunInstruction.Security.INSECURE
                    ? SecurityMode.INSECURE
                    : SecurityMode.SANDBOX);
    for (SandboxMount m : mounts) {
      request.mount(m);
    }
    for (HostMapping h : scope.request().extraHosts()) {
      request.addHost(new HostEntry(h.host(), h.address()));
    }
    for (Ulimit u : scope.request().ulimits()) {
      request.rlimit(new Rlimit(u.name(), u.soft(), u.hard()));
    }
    return request.shmSize(scope.request().shmSize()).build();
  }

  /** The layer directories below the step, lowest first, as the snapshotter stacks them. */
  private List<Path> lowerDirectories(StageState state) throws IOException {
    List<dev.kiln.core.fs.StackView> stack = new ArrayList<>();
    for (var v = java.util.Optional.of(state.rootfs()); v.isPresent(); v = v.get().below()) {
      stack.add(0, v.get());
    }
    List<Path> lower = new ArrayList<>();
    for (int i = 0; i < state.layers().size(); i++) {
      lower.add(layers.forStack(stack.get(i + 1), state.layers().get(i), state.blobs()));
    }
    return lower;
  }

  /** The mounts' variables; as BuildKit, an SSH_AUTH_SOCK the step sets wins over the mount's. */
  private static void addMountEnvironment(List<String> env, List<String> fromMounts) {
    for (String variable : fromMounts) {
      boolean ssh = variable.startsWith("SSH_AUTH_SOCK=");
      if (!ssh || env.stream().noneMatch(e -> e.startsWith("SSH_AUTH_SOCK="))) {
        env.add(variable);
      }
    }
  }

  private static ResolvedUser user(ContainerConfig config, Snapshot snapshot) throws IOException {
    return config.user() == null || config.user().isEmpty()
        ? ResolvedUser.ROOT
        : UserResolver.resolve(snapshot.rootfs(), config.user());
  }

  private NetworkMode network(RunInstruction run) {
    return switch (run.network()) {
      case NONE -> NetworkMode.NONE;
      case HOST -> NetworkMode.HOST;
      case DEFAULT -> NetworkMode.parse(scope.request().network());
    };
  }

  /** Runs the command, each output line (secrets masked) going to the listener as it comes. */
  private RunResult runInSandbox(
      RunRequest request, StepRef ref, RunMounts.Prepared prepared, List<String> argv)
      throws IOException {
    try {
      return tools
          .sandbox()
          .sandbox()
          .run(
              request,
              (stream, line) ->
                  scope
                      .reporting()
                      .listener()
                      .on(
                          new BuildEvent.StepOutput(
                              scope.reporting().clock().instant(),
                              ref,
                              stream == StdStream.STDOUT
                                  ? BuildEvent.Stream.STDOUT
                                  : BuildEvent.Stream.STDERR,
                              prepared.redact(line))));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + String.join(" ", argv), e);
    }
  }

  /** The files each mount binds, from what the plan says its {@code from=} names. */
  private List<MountSources.Source> mountFiles(StepInput in) throws IOException {
    List<MountSources.Source> files = new ArrayList<>();
    List<Mount> all = ((RunInstruction) in.instruction()).mounts();
    for (int i = 0; i < all.size(); i++) {
      Mount.Type type = all.get(i).type();
      files.add(
          type == Mount.Type.BIND || type == Mount.Type.CACHE
              ? sources.mountFiles(mountSource(in, i))
              : null);
    }
    return files;
  }

  /**
   * The argv BuildKit would run: exec form as written; shell form through SHELL; a single heredoc
   * with a shebang becomes a script mounted at {@code /dev/pipes/}; other heredocs go to the shell.
   */
  private static List<String> argv(
      CommandLine command, ContainerConfig config, Path scratch, List<SandboxMount> extra)
      throws IOException {
    CommandLine.HeredocCommand heredoc = command.heredocCommand();
    if (heredoc == null) {
      return ConfigInstructions.withShell(config, command);
    }
    List<String> shell =
        ConfigInstructions.withShell(config, new CommandLine(List.of(""), true, List.of()));
    shell = shell.subList(0, shell.size() - 1);
    switch (heredoc.kind()) {
      case SCRIPT -> {
        Path pipes = Files.createDirectories(scratch.resolve("pipes"));
        Path script = pipes.resolve(heredoc.name());
        Files.writeString(script, heredoc.text());
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        extra.add(new SandboxMount.Bind(pipes, "/dev/pipes", true));
        return List.of("/dev/pipes/" + heredoc.name());
      }
      default -> {
        List<String> argv = new ArrayList<>(shell);
        argv.add(heredoc.text());
        return argv;
      }
    }
  }

  /**
   * BuildKit's history text: the build arguments in scope as {@code |N K=V…} before the command, so
   * two images built with different arguments say so in their history.
   */
  private static String commandString(
      List<String> argv, StageState state, DispatchedInstruction step) {
    List<String> args = new ArrayList<>();
    for (String name : state.args()) {
      String value = "";
      for (EnvVar v : step.environment()) {
        if (v.name().equals(name) && !v.proxy()) {
          value = v.value();
        }
      }
      args.add(name + "=" + value);
    }
    List<String> parts = new ArrayList<>();
    if (!args.isEmpty()) {
      parts.add("|" + args.size());
      parts.addAll(args);
    }
    parts.addAll(argv);
    return String.join(" ", parts);
  }
}
