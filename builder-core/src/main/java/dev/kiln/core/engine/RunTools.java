package dev.kiln.core.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.core.host.XattrPrograms;
import dev.kiln.core.sandbox.Isolation;
import dev.kiln.core.sandbox.SandboxChoice;
import dev.kiln.core.sandbox.SandboxSelector;
import dev.kiln.core.sandbox.SandboxSettings;
import dev.kiln.core.sandbox.UserNamespacePlan;
import dev.kiln.core.snapshot.SnapshotterChoice;
import dev.kiln.core.snapshot.SnapshotterKind;
import dev.kiln.core.snapshot.SnapshotterSelector;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

/**
 * The sandbox and snapshotter of a build, chosen on the first RUN (a build without RUN never probes
 * for a runtime) and announced once, so the user sees which isolation ran their commands and why.
 */
final class RunTools {
  private final String isolation;
  private final String snapshotterKind;
  private final Path workRoot;
  private final Path sandboxState;
  private final BuildListener listener;
  private final Clock clock;
  private SandboxSettings settings;
  private SandboxChoice sandbox;
  private SnapshotterChoice snapshotter;

  RunTools(
      String isolation,
      String snapshotterKind,
      Path workRoot,
      Path sandboxState,
      BuildListener listener,
      Clock clock) {
    this.isolation = isolation;
    this.snapshotterKind = snapshotterKind;
    this.workRoot = workRoot;
    this.sandboxState = sandboxState;
    this.clock = clock;
    this.listener = listener;
  }

  synchronized SandboxChoice sandbox() {
    if (sandbox == null) {
      sandbox = SandboxSelector.select(Isolation.parse(isolation), settings());
      listener.on(new BuildEvent.Note(clock.instant(), "RUN isolation " + sandbox));
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
      listener.on(new BuildEvent.Note(clock.instant(), "RUN snapshots " + note));
      if (!XattrPrograms.installed()) {
        listener.on(
            new BuildEvent.Warning(clock.instant(), XattrPrograms.MISSING, Optional.empty()));
      }
    }
    return snapshotter;
  }
}
