package dev.kiln.core.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.core.host.XattrPrograms;
import dev.kiln.core.sandbox.BinfmtRegistry;
import dev.kiln.core.sandbox.Emulation;
import dev.kiln.core.sandbox.EmulationUnavailableException;
import dev.kiln.core.sandbox.Isolation;
import dev.kiln.core.sandbox.SandboxChoice;
import dev.kiln.core.sandbox.SandboxSelector;
import dev.kiln.core.sandbox.SandboxSettings;
import dev.kiln.core.sandbox.UserNamespacePlan;
import dev.kiln.core.snapshot.SnapshotterChoice;
import dev.kiln.core.snapshot.SnapshotterKind;
import dev.kiln.core.snapshot.SnapshotterSelector;
import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The sandbox and snapshotter of a build, chosen on the first RUN (a build without RUN never probes
 * for a runtime) and announced the first time a store sees the choice (every time with {@code
 * --debug}), so the user learns which isolation runs their commands and why, and hears it again
 * when it changes; the emulation a RUN for a foreign platform runs under is told every build.
 */
final class RunTools {
  private final String isolation;
  private final String snapshotterKind;
  private final Path workRoot;
  private final Path sandboxState;
  private final BuildListener listener;
  private final Clock clock;
  private final AnnouncedNotes announced;
  private SandboxSettings settings;
  private SandboxChoice sandbox;
  private SnapshotterChoice snapshotter;
  private BinfmtRegistry binfmt;
  private final Set<Platform> emulated = new HashSet<>();

  RunTools(
      String isolation,
      String snapshotterKind,
      Path workRoot,
      Path sandboxState,
      BuildListener listener,
      Clock clock,
      AnnouncedNotes announced) {
    this.isolation = isolation;
    this.snapshotterKind = snapshotterKind;
    this.workRoot = workRoot;
    this.sandboxState = sandboxState;
    this.clock = clock;
    this.listener = listener;
    this.announced = announced;
  }

  /** Tells the listener {@code message}, unless this store's user has heard it already. */
  private void note(String message) {
    if (announced.firstTime(message)) {
      listener.on(new BuildEvent.Note(clock.instant(), message));
    }
  }

  synchronized SandboxChoice sandbox() {
    if (sandbox == null) {
      sandbox = SandboxSelector.select(Isolation.parse(isolation), settings());
      note("RUN isolation " + sandbox);
    }
    return sandbox;
  }

  /** How the steps' ids map to the host's: empty when kiln is root and steps need no mapping. */
  synchronized Optional<UserNamespacePlan> userNamespace() {
    return settings().userNamespace();
  }

  private SandboxSettings settings() {
    if (settings == null) {
      settings = SandboxSettings.forCurrentUser(sandboxState);
      settings
          .helpersRefused()
          .ifPresent(
              why ->
                  listener.on(
                      new BuildEvent.Warning(
                          clock.instant(),
                          "RUN steps get one id (root) only: " + why,
                          Optional.empty())));
    }
    return settings;
  }

  synchronized SnapshotterChoice snapshotter() {
    if (snapshotter == null) {
      snapshotter =
          SnapshotterSelector.select(
              SnapshotterKind.parse(snapshotterKind), workRoot.resolve("snapshots"));
      // The workspace path changes with every build; the note says where in words.
      String note =
          snapshotter
              .toString()
              .replace(workRoot.resolve("snapshots").toString(), "the build's workspace");
      note("RUN snapshots " + note);
      if (!XattrPrograms.installed()) {
        listener.on(
            new BuildEvent.Warning(clock.instant(), XattrPrograms.MISSING, Optional.empty()));
      }
    }
    return snapshotter;
  }

  /**
   * Checks, before a RUN for {@code platform} starts, that the host can run its binaries, and says
   * so on the first step that runs under emulation.
   *
   * @throws EmulationUnavailableException when it cannot, naming the fix
   */
  synchronized void checkPlatform(Platform platform) throws IOException {
    if (binfmt == null) {
      binfmt = BinfmtRegistry.read(BinfmtRegistry.PROC);
    }
    var interpreter = Emulation.require(platform, Platform.host(), binfmt);
    if (interpreter.isPresent() && emulated.add(platform)) {
      listener.on(
          new BuildEvent.Note(
              clock.instant(),
              "RUN for "
                  + platform
                  + " runs under emulation: binfmt_misc "
                  + interpreter.get().name()
                  + " ("
                  + interpreter.get().path()
                  + ")"));
    }
  }
}
