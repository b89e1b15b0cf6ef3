package dev.kiln.core.engine;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.StoreLock;
import dev.kiln.cache.store.WorkspaceLock;
import dev.kiln.core.sandbox.MountTable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The private directory of one build under the store ({@code tmp/build-*}): spooled files, RUN
 * snapshots and the sandbox's state all live in it, and a file lock held for the build's lifetime
 * says it is alive. A build that was killed (SIGKILL, a power cut) leaves its directory behind,
 * perhaps with a container still running and an overlay still mounted; the next build finds such
 * directories by their free lock and cleans them: kills and deletes the runtime's containers,
 * unmounts, deletes.
 */
final class BuildWorkspace implements AutoCloseable {
  private final Path dir;
  private final FileChannel channel;
  private final SecretSpace secrets;

  private BuildWorkspace(Path dir, FileChannel channel, SecretSpace secrets) {
    this.dir = dir;
    this.channel = channel;
    this.secrets = secrets;
  }

  /** A new workspace in {@code store}, after cleaning up what dead builds left there. */
  static BuildWorkspace create(ContentStore store) throws IOException {
    Path tmpRoot = store.paths().workspacesDirectory();
    Files.createDirectories(tmpRoot);
    cleanStale(tmpRoot);
    // Born under the GC lock, so a prune that found no build alive never deletes the unpacked
    // layers this build is about to use. Only this moment: cleaning up above may take long.
    try (StoreLock gc = store.lockForCollection()) {
      Path dir = Files.createTempDirectory(tmpRoot, "build-");
      FileChannel lock = WorkspaceLock.hold(dir);
      return new BuildWorkspace(dir, lock, SecretSpace.create(dir));
    }
  }

  Path dir() {
    return dir;
  }

  /** Where this build may write secret values (memory, never disk). */
  SecretSpace secrets() {
    return secrets;
  }

  /**
   * Where the sandbox keeps its state: the step's {@code config.json} holds its environment,
   * secrets included, so it goes to the secret space when there is one.
   */
  Path sandboxState() {
    return secrets.dir().orElse(dir.resolve("run")).resolve("sandbox");
  }

  private static void cleanStale(Path tmpRoot) {
    try (DirectoryStream<Path> builds = Files.newDirectoryStream(tmpRoot, "build-*")) {
      for (Path build : builds) {
        if (isAbandoned(build)) {
          cleanUp(build);
        }
      }
    } catch (IOException e) {
      // Cleaning up after others is best effort; this build does not depend on it.
    }
  }

  private static boolean isAbandoned(Path build) {
    return !WorkspaceLock.isHeld(build);
  }

  private static void cleanUp(Path build) {
    stopContainers(build.resolve("run").resolve("sandbox"));
    stopContainers(build.resolve(SecretSpace.LINK).resolve("sandbox"));
    SecretSpace.removeLeftOver(build);
    MountTable.unmountAllUnder(build);
    if (MountTable.mountPointsUnder(build).isEmpty()) {
      BuildRun.deleteTree(build);
    }
  }

  /** Kills and deletes every container whose runtime state lives under {@code sandbox}. */
  private static void stopContainers(Path sandbox) {
    if (!Files.isDirectory(sandbox)) {
      return;
    }
    try (DirectoryStream<Path> roots = Files.newDirectoryStream(sandbox, "*-state")) {
      for (Path root : roots) {
        String runtime = root.getFileName().toString().replace("-state", "");
        try (DirectoryStream<Path> containers = Files.newDirectoryStream(root)) {
          for (Path container : containers) {
            if (Files.isDirectory(container)) {
              String id = container.getFileName().toString();
              run(List.of(runtime, "--root", root.toString(), "kill", id, "KILL"));
              run(List.of(runtime, "--root", root.toString(), "delete", "--force", id));
            }
          }
        }
      }
    } catch (IOException e) {
      // Best effort, as above.
    }
  }

  private static void run(List<String> command) {
    try {
      Process p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      // The runtime is gone or the container already is.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      secrets.close();
      channel.close(); // releases the lock
    } finally {
      // Never delete through a mount that outlived its step (a cache mount's files would go).
      MountTable.unmountAllUnder(dir);
      if (MountTable.mountPointsUnder(dir).isEmpty()) {
        BuildRun.deleteTree(dir);
      }
    }
  }
}
