package dev.kiln.core.engine;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A user's SSH agent for tests: OpenSSH's {@code ssh-agent} in the foreground on a socket of the
 * test's, with keys made by {@code ssh-keygen}; stopped (it is the test's own process) on close.
 */
final class TestSshAgent implements AutoCloseable {
  private final Process process;
  private final Path socket;

  private TestSshAgent(Process process, Path socket) {
    this.process = process;
    this.socket = socket;
  }

  /** A new ed25519 key {@code dir/name} (and {@code .pub}), protected when passphrase is set. */
  static Path key(Path dir, String name, String passphrase) {
    Path key = dir.resolve(name);
    ProcessRunner.run(
            List.of(
                "ssh-keygen",
                "-q",
                "-t",
                "ed25519",
                "-N",
                passphrase,
                "-C",
                name,
                "-f",
                key.toString()))
        .requireSuccess();
    return key;
  }

  /** The SHA256 fingerprint of {@code key}, as {@code ssh-add -l} prints it. */
  static String fingerprint(Path key) {
    String line =
        ProcessRunner.run(List.of("ssh-keygen", "-l", "-f", key + ".pub"))
            .requireSuccess()
            .stdout();
    return line.split("\\s+")[1];
  }

  /** An agent listening at {@code socket}, holding {@code keys}. */
  static TestSshAgent start(Path socket, Path... keys) throws Exception {
    Process process =
        new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    TestSshAgent agent = new TestSshAgent(process, socket);
    for (int i = 0; i < 500 && !Files.exists(socket); i++) {
      Thread.sleep(10);
    }
    for (Path key : keys) {
      agent.ssh("ssh-add", "-q", key.toString()).requireSuccess();
    }
    return agent;
  }

  Path socket() {
    return socket;
  }

  /** What {@code ssh-add -l} says of this agent. */
  String listing() {
    return ssh("ssh-add", "-l").stdout();
  }

  private ProcessRunner.Result ssh(String... command) {
    return ProcessRunner.run(
        List.of(command), Map.of("SSH_AUTH_SOCK", socket.toString()), Duration.ofSeconds(30));
  }

  /** Whether an {@code ssh-agent} that kiln started (socket in a secret space) still runs. */
  static boolean kilnAgentRunning() {
    return agentRunning("kiln-secrets-");
  }

  /** Whether an {@code ssh-agent} whose socket is in {@code dir} still runs. */
  static boolean kilnAgentRunningWith(Path dir) {
    return agentRunning(dir.toString());
  }

  private static boolean agentRunning(String socketPart) {
    return ProcessHandle.allProcesses()
        .anyMatch(
            p -> {
              String line = p.info().commandLine().orElse("");
              return line.contains("ssh-agent -D") && line.contains(socketPart);
            });
  }

  @Override
  public void close() throws IOException, InterruptedException {
    process.destroy();
    process.waitFor(10, TimeUnit.SECONDS);
    Files.deleteIfExists(socket);
  }
}
