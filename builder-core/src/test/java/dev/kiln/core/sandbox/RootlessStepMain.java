package dev.kiln.core.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs one step from a separate JVM, so that {@link RootlessSandboxIT} can run kiln as an
 * unprivileged user. Arguments: isolation, rootfs, state dir, USER value, network mode, script, and
 * optionally {@code copy-snapshot} (run on a copy snapshot of the rootfs and print its diff) or
 * {@code insecure} (run with {@link SecurityMode#INSECURE}). Prints {@code CHOICE …}, then {@code
 * LINE …} per output line and {@code EXIT n}, or {@code ERROR …} when the sandbox refuses.
 */
public final class RootlessStepMain {
  private RootlessStepMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 6 && args[6].equals("copy-snapshot")) {
      Path state = Path.of(args[2]);
      dev.kiln.core.snapshot.SnapshotterChoice snapshots =
          dev.kiln.core.snapshot.SnapshotterSelector.select(
              dev.kiln.core.snapshot.SnapshotterKind.AUTO, state.resolve("snapshots"));
      System.out.println("SNAPSHOTTER " + snapshots);
      try (dev.kiln.core.snapshot.Snapshot snapshot =
          snapshots.snapshotter().prepare(List.of(Path.of(args[1])))) {
        String[] inner = args.clone();
        inner[1] = snapshot.rootfs().toString();
        runStep(inner);
        for (String line : snapshot.diff().summary().split("\n")) {
          System.out.println("DIFF " + line);
        }
      }
      return;
    }
    runStep(args);
  }

  private static void runStep(String[] args) throws Exception {
    Path rootfs = Path.of(args[1]);
    try {
      SandboxChoice choice =
          SandboxSelector.select(
              Isolation.parse(args[0]), SandboxSettings.forCurrentUser(Path.of(args[2])));
      System.out.println("CHOICE " + choice);
      RunResult result =
          choice
              .sandbox()
              .run(
                  RunRequest.builder(rootfs, List.of("/bin/sh", "-c", args[5]))
                      .user(UserResolver.resolve(rootfs, args[3]))
                      .network(NetworkMode.parse(args[4]))
                      .security(
                          args.length > 6 && args[6].equals("insecure")
                              ? SecurityMode.INSECURE
                              : SecurityMode.SANDBOX)
                      .hostname("rootless")
                      .build(),
                  (stream, line) -> System.out.println("LINE " + line));
      System.out.println("EXIT " + result.exitCode());
    } catch (SandboxException e) {
      System.out.println("ERROR " + e.getMessage());
    }
  }
}
