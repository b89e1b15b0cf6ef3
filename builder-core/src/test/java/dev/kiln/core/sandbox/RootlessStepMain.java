package dev.kiln.core.sandbox;

import java.nio.file.Path;
import java.util.List;

/**
 * Runs one step from a separate JVM, so that {@link RootlessSandboxIT} can run kiln as an
 * unprivileged user. Arguments: isolation, rootfs, state dir, USER value, network mode, script.
 * Prints {@code CHOICE …}, then {@code LINE …} per output line and {@code EXIT n}, or {@code ERROR
 * …} when the sandbox refuses.
 */
public final class RootlessStepMain {
  private RootlessStepMain() {}

  public static void main(String[] args) throws Exception {
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
                      .hostname("rootless")
                      .build(),
                  (stream, line) -> System.out.println("LINE " + line));
      System.out.println("EXIT " + result.exitCode());
    } catch (SandboxException e) {
      System.out.println("ERROR " + e.getMessage());
    }
  }
}
