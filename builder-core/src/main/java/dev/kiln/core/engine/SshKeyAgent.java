package dev.kiln.core.engine;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.sandbox.HostTools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * An SSH agent serving private key files, for {@code --ssh ID=KEYFILE}: buildx loads such keys into
 * an agent of its own, and kiln runs OpenSSH's {@code ssh-agent} (Debian's openssh-client) for the
 * length of one step, loads the keys with {@code ssh-add} and stops it afterwards.
 *
 * <p>The agent holds the keys in memory, so it must not outlive kiln: it runs under a shell that
 * waits on a pipe from kiln and kills the agent when the pipe closes, which happens when kiln
 * closes it or when kiln dies, however it dies. Its socket and the key copies {@code ssh-add} reads
 * are in the build's secret space (a private tmpfs directory), never on disk.
 */
final class SshKeyAgent implements AutoCloseable {
  private static final Duration START = Duration.ofSeconds(10);

  private final Process guard;
  private final long agentPid;
  private final Path socket;

  private SshKeyAgent(Process guard, long agentPid, Path socket) {
    this.guard = guard;
    this.agentPid = agentPid;
    this.socket = socket;
  }

  /** The agent's socket. */
  Path socket() {
    return socket;
  }

  /**
   * Starts an agent in {@code dir} (private, on a tmpfs) serving {@code keys} for {@code --ssh id}.
   */
  static SshKeyAgent start(String id, List<Path> keys, Path dir) throws IOException {
    return start(id, keys, dir, HostTools::find);
  }

  /** {@link #start}, finding programs with {@code find} (tests pretend one is missing). */
  static SshKeyAgent start(
      String id, List<Path> keys, Path dir, Function<String, Optional<Path>> find)
      throws IOException {
    String what =
        "--ssh " + id + "=" + String.join(",", keys.stream().map(Path::toString).toList());
    Optional<Path> agentProgram = find.apply("ssh-agent");
    Optional<Path> addProgram = find.apply("ssh-add");
    if (agentProgram.isEmpty() || addProgram.isEmpty()) {
      throw new IOException(
          what
              + ": kiln serves a key file through ssh-agent and ssh-add, which are not installed;"
              + " install them (Debian: apt-get install openssh-client), or load the key into"
              + " your own agent (ssh-add KEYFILE) and pass --ssh "
              + id);
    }
    List<byte[]> material = readKeys(keys, what);
    SshKeyAgent agent = launch(agentProgram.get(), dir.resolve("agent"), what);
    try {
      agent.awaitSocket(what);
      for (int i = 0; i < material.size(); i++) {
        agent.add(addProgram.get(), material.get(i), keys.get(i), dir, what);
      }
    } catch (IOException | RuntimeException e) {
      agent.close();
      throw e;
    }
    return agent;
  }

  /** The keys' bytes, read before the agent starts: a key with a passphrase fails the step. */
  private static List<byte[]> readKeys(List<Path> keys, String what) throws IOException {
    List<byte[]> material = new ArrayList<>();
    for (Path key : keys) {
      byte[] bytes = Files.readAllBytes(key);
      if (isEncrypted(bytes)) {
        throw new IOException(
            what
                + ": the key "
                + key
                + " is protected by a passphrase, which kiln cannot ask for; load it into your"
                + " ssh-agent (ssh-add "
                + key
                + ") and pass --ssh with that agent ($SSH_AUTH_SOCK)");
      }
      material.add(bytes);
    }
    return material;
  }

  /** Runs the agent on {@code socket} under its guard shell (see the class comment). */
  private static SshKeyAgent launch(Path agentProgram, Path socket, String what)
      throws IOException {
    // The shell prints the agent's pid, then waits for its input to end and stops the agent.
    Process guard =
        new ProcessBuilder(
                "sh",
                "-c",
                "\"$1\" -D -a \"$2\" >/dev/null 2>&1 & echo $!; read _; kill $! 2>/dev/null; wait",
                "sh",
                agentProgram.toString(),
                socket.toString())
            .redirectErrorStream(true)
            .start();
    long pid;
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(guard.getInputStream(), StandardCharsets.US_ASCII));
      pid = Long.parseLong(out.readLine().trim());
    } catch (IOException | RuntimeException e) {
      guard.destroyForcibly();
      throw new IOException(what + ": ssh-agent did not start", e);
    }
    return new SshKeyAgent(guard, pid, socket);
  }

  private void awaitSocket(String what) throws IOException {
    long deadline = System.nanoTime() + START.toNanos();
    while (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      if (System.nanoTime() > deadline || !ProcessHandle.of(agentPid).isPresent()) {
        throw new IOException(what + ": ssh-agent did not open its socket at " + socket);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while starting ssh-agent");
      }
    }
  }

  /** Loads one key from a private copy (ssh-add refuses keys other users could read). */
  private void add(Path program, byte[] key, Path source, Path dir, String what)
      throws IOException {
    Path copy =
        Files.createTempFile(
            dir,
            "key-",
            "",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(copy, key);
      HostCommand.Result result =
          HostCommand.of(program.toString(), "-q", copy.toString())
              .withEnvironment(Map.of("SSH_AUTH_SOCK", socket.toString()))
              .timeout(START)
              .run();
      if (!result.succeeded()) {
        throw new IOException(
            what
                + ": ssh-add could not load "
                + source
                + " ("
                + result.stderr().strip()
                + "); pass an OpenSSH, PEM or PKCS#8 private key without a passphrase");
      }
    } finally {
      Files.deleteIfExists(copy);
    }
  }

  /**
   * Whether a private key file needs a passphrase: an OpenSSH key whose cipher is not "none", a PEM
   * key with {@code Proc-Type: 4,ENCRYPTED}, or an encrypted PKCS#8 key. Anything else is left to
   * ssh-add to judge.
   */
  static boolean isEncrypted(byte[] file) {
    String text = new String(file, StandardCharsets.US_ASCII);
    if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        || text.contains("Proc-Type: 4,ENCRYPTED")) {
      return true;
    }
    String begin = "-----BEGIN OPENSSH PRIVATE KEY-----";
    String end = "-----END OPENSSH PRIVATE KEY-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      return false;
    }
    byte[] body;
    try {
      body = Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      return false;
    }
    // "openssh-key-v1\0", then the cipher name as an SSH string (uint32 length, bytes).
    int offset = "openssh-key-v1".length() + 1;
    if (body.length < offset + 4) {
      return false;
    }
    int length =
        ((body[offset] & 0xff) << 24)
            | ((body[offset + 1] & 0xff) << 16)
            | ((body[offset + 2] & 0xff) << 8)
            | (body[offset + 3] & 0xff);
    if (length < 0 || body.length < offset + 4 + length) {
      return false;
    }
    String cipher = new String(body, offset + 4, length, StandardCharsets.US_ASCII);
    return !cipher.equals("none");
  }

  @Override
  public void close() {
    try {
      guard.getOutputStream().close();
      if (!guard.waitFor(5, TimeUnit.SECONDS)) {
        ProcessHandle.of(agentPid).ifPresent(ProcessHandle::destroyForcibly);
        guard.destroyForcibly();
      }
    } catch (IOException e) {
      ProcessHandle.of(agentPid).ifPresent(ProcessHandle::destroyForcibly);
      guard.destroyForcibly();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ProcessHandle.of(agentPid).ifPresent(ProcessHandle::destroyForcibly);
      guard.destroyForcibly();
    }
    try {
      Files.deleteIfExists(socket);
    } catch (IOException e) {
      // The secret space is deleted with the build.
    }
  }
}
