package dev.kiln.core.sandbox;

import dev.kiln.core.host.HostCommand;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs steps with an OCI runtime ({@code runc} or {@code crun}): one generated bundle per step
 * ({@link OciSpec}), {@code <runtime> --root <state> run --bundle <bundle> <id>} in the foreground
 * with the step's output on its pipes, and always {@code delete --force} afterwards. The runtime's
 * state directory lives under kiln's state dir, not in {@code /run}, so concurrent kiln processes
 * and a system container engine never see each other's containers.
 */
final class OciSandbox implements Sandbox {
  private final OciRuntime runtime;
  private final SandboxSettings settings;

  OciSandbox(OciRuntime runtime, SandboxSettings settings) {
    this.runtime = runtime;
    this.settings = settings;
  }

  @Override
  public Isolation isolation() {
    return Isolation.OCI;
  }

  OciRuntime runtime() {
    return runtime;
  }

  @Override
  public RunResult run(RunRequest request, OutputListener output) throws InterruptedException {
    settings
        .userNamespace()
        .ifPresent(plan -> plan.requireCanRunAs(request.user(), settings.identity()));
    if (settings.rootless() && !request.user().additionalGids().isEmpty()) {
      // runc refuses additionalGids whenever it runs without root ("cannot set any additional
      // groups in a rootless container"), even with subordinate ranges.
      throw new SandboxException(
          "the step runs as "
              + request.user()
              + ", but "
              + runtime.name()
              + " cannot set supplementary groups when kiln is not root; use --isolation=chroot");
    }
    long started = System.nanoTime();
    try (StepDirectory step = StepDirectory.create(settings, request)) {
      RootPath.createDirectories(request.rootfs(), request.workingDir());
      MountStubs stubs = MountStubs.create(request.rootfs(), StepTargets.of(request));
      try {
        Path bundle = Files.createDirectory(step.path().resolve("bundle"));
        Files.write(
            bundle.resolve("config.json"),
            OciSpec.render(
                request,
                step.hostsFile(),
                step.resolvConfFile(),
                settings,
                HostLimits.openFilesHardLimit()));
        return runContainer(request, output, step.id(), bundle, started);
      } finally {
        stubs.remove();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run a step in " + request.rootfs(), e);
    }
  }

  private RunResult runContainer(
      RunRequest request, OutputListener output, String id, Path bundle, long started)
      throws IOException, InterruptedException {
    Path stateRoot =
        Files.createDirectories(settings.stateDir().resolve(runtime.name() + "-state"));
    Path log = bundle.resolveSibling("runtime.log");
    List<String> command = new ArrayList<>(List.of(runtime.path().toString()));
    command.addAll(runtime.logArguments(log));
    command.addAll(
        List.of("--root", stateRoot.toString(), "run", "--bundle", bundle.toString(), id));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder
        .environment()
        .keySet()
        .removeIf(name -> !name.equals("PATH") && !name.startsWith("XDG_"));
    Process process = builder.start();
    try {
      OutputPump pump = OutputPump.start(process, output, id);
      boolean timedOut = false;
      try {
        if (!ProcessControl.waitFor(process, request.timeout())) {
          timedOut = true;
          kill(stateRoot, id, process);
        }
      } catch (InterruptedException e) {
        kill(stateRoot, id, process);
        throw e;
      }
      pump.join();
      return new RunResult(
          process.exitValue(),
          pump.tail(),
          Duration.ofNanos(System.nanoTime() - started),
          timedOut);
    } finally {
      if (process.isAlive()) {
        kill(stateRoot, id, process);
      }
      HostCommand.of(
              runtime.path().toString(), "--root", stateRoot.toString(), "delete", "--force", id)
          .finishingWhenInterrupted()
          .run();
    }
  }

  /**
   * Kills every process of the container (its pid namespace dies with its init) and the runtime.
   */
  private void kill(Path stateRoot, String id, Process process) throws IOException {
    HostCommand.of(runtime.path().toString(), "--root", stateRoot.toString(), "kill", id, "KILL")
        .finishingWhenInterrupted()
        .run();
    if (!ProcessControl.waitUninterruptibly(process, 10_000)) {
      process.destroyForcibly();
      ProcessControl.waitUninterruptibly(process, 10_000);
    }
  }
}
