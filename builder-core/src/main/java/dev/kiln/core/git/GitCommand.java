package dev.kiln.core.git;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs the {@code git} program the way a build needs it: with a clean environment (no user or
 * system configuration, no terminal prompt, no askpass, only network transports allowed), a time
 * limit, and a failure that quotes git's stderr with any URL password redacted. What is kept of the
 * caller's environment is {@code PATH}, the proxy variables, and an SSH agent when one is given.
 */
public final class GitCommand {
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/@\\s:]+:)[^@/\\s]+@");
  private static final List<String> PROXY_VARIABLES =
      List.of(
          "HTTP_PROXY",
          "HTTPS_PROXY",
          "NO_PROXY",
          "ALL_PROXY",
          "http_proxy",
          "https_proxy",
          "no_proxy",
          "all_proxy");
  private static final int STDOUT_LIMIT = 4 * 1024 * 1024;
  private static final int STDERR_KEPT = 4 * 1024;

  private final Map<String, String> environment;
  private final Duration timeout;

  private GitCommand(Map<String, String> environment, Duration timeout) {
    this.environment = environment;
    this.timeout = timeout;
  }

  /**
   * Git with a clean environment made from the build's {@code environment}: {@code home} is an
   * empty private directory (git reads {@code ~/.gitconfig} otherwise), {@code sshAgent} the socket
   * ssh remotes authenticate with.
   */
  public static GitCommand clean(
      Map<String, String> environment, Path home, Optional<Path> sshAgent, Duration timeout) {
    Map<String, String> env = new TreeMap<>();
    env.put("PATH", environment.getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
    for (String name : PROXY_VARIABLES) {
      if (environment.containsKey(name)) {
        env.put(name, environment.get(name));
      }
    }
    env.put("HOME", home.toString());
    env.put("XDG_CONFIG_HOME", home.toString());
    env.put("GIT_CONFIG_NOSYSTEM", "1");
    env.put("GIT_CONFIG_GLOBAL", "/dev/null");
    env.put("GIT_TERMINAL_PROMPT", "0");
    env.put("GIT_ASKPASS", "/bin/false");
    env.put("SSH_ASKPASS", "/bin/false");
    env.put("LC_ALL", "C");
    // No file://, ext:: or other local transports: a submodule URL must not read the host.
    env.put("GIT_ALLOW_PROTOCOL", "http:https:git:ssh");
    // As BuildKit without known hosts: no config of the user, no prompt, host keys not pinned.
    env.put(
        "GIT_SSH_COMMAND",
        "ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no"
            + " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR");
    sshAgent.ifPresent(socket -> env.put("SSH_AUTH_SOCK", socket.toString()));
    return new GitCommand(Map.copyOf(env), timeout);
  }

  /** The environment git runs with (for tests). */
  Map<String, String> environment() {
    return environment;
  }

  /** {@code text} with the password of every URL in it replaced by {@code xxxxx}. */
  public static String redact(String text) {
    return URL_PASSWORD.matcher(text).replaceAll("$1xxxxx@");
  }

  /**
   * Runs {@code git args…} in {@code dir} and returns its stdout; a non-zero exit, a time-out or a
   * missing git program is a {@link GitFailure} saying {@code what} failed, with git's stderr.
   */
  public String run(Path dir, String what, List<String> args) throws GitFailure, IOException {
    List<String> command = new ArrayList<>();
    command.add("git");
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(environment);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new GitFailure(
          what + ": cannot run git: " + e.getMessage(),
          "install git and put it on PATH; kiln runs the git program for git sources");
    }
    process.getOutputStream().close();
    Drain stderr = new Drain(process.getErrorStream(), STDERR_KEPT, true);
    Thread errThread = new Thread(stderr, "git-stderr");
    errThread.setDaemon(true);
    errThread.start();
    Drain stdout = new Drain(process.getInputStream(), STDOUT_LIMIT, false);
    Thread outThread = new Thread(stdout, "git-stdout");
    outThread.setDaemon(true);
    outThread.start();
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new GitFailure(
            what + ": git " + args.get(0) + " did not finish within " + timeout.toSeconds() + "s",
            "check that the repository's server answers; large repositories take longer");
      }
      outThread.join(10_000);
      errThread.join(10_000);
    } catch (InterruptedException e) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while running git " + args.get(0));
    }
    if (process.exitValue() != 0) {
      String said = redact(stderr.text().strip());
      throw new GitFailure(
          what
              + ": git "
              + args.get(0)
              + " exited with "
              + process.exitValue()
              + (said.isEmpty() ? "" : ": " + said),
          "check the repository URL, the ref, and your access to the repository");
    }
    return stdout.text();
  }

  /**
   * Reads a stream to its end, keeping at most {@code limit} bytes: the first ones (stdout, whose
   * size is bounded by what kiln asks for), or the last ones (stderr, whose end says why).
   */
  private static final class Drain implements Runnable {
    private final InputStream in;
    private final int limit;
    private final boolean keepLast;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private byte[] tail = new byte[0];

    Drain(InputStream in, int limit, boolean keepLast) {
      this.in = in;
      this.limit = limit;
      this.keepLast = keepLast;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          synchronized (this) {
            if (keepLast) {
              byte[] joined = new byte[Math.min(limit, tail.length + n)];
              int fromTail = joined.length - n < 0 ? 0 : joined.length - n;
              System.arraycopy(tail, tail.length - fromTail, joined, 0, fromTail);
              System.arraycopy(
                  buffer,
                  n - (joined.length - fromTail),
                  joined,
                  fromTail,
                  joined.length - fromTail);
              tail = joined;
            } else if (kept.size() < limit) {
              kept.write(buffer, 0, Math.min(n, limit - kept.size()));
            }
          }
        }
      } catch (IOException e) {
        // The process ended or was killed; what was read is what there is.
      }
    }

    synchronized String text() {
      return new String(keepLast ? tail : kept.toByteArray(), StandardCharsets.UTF_8);
    }
  }
}
