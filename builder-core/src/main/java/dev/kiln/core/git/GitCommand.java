package dev.kiln.core.git;

import dev.kiln.core.fetch.IdleLimit;
import dev.kiln.core.host.HostCommand;
import dev.kiln.core.host.HostCommandException;
import dev.kiln.core.host.HostCommandTimeoutException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Runs the {@code git} program the way a build needs it, as a {@link HostCommand}: with a clean
 * environment (no user or system configuration, no terminal prompt, no askpass, only network
 * transports allowed), a time limit, an idle limit on http transfers ({@link IdleLimit}), and a
 * failure that quotes git's stderr with any URL password or token redacted. What is kept of the
 * caller's environment is {@code PATH}, the proxy variables, and an SSH agent when one is given. A
 * URL's user and password reach git only through its environment ({@link #withCredentials}), never
 * its command line.
 */
public final class GitCommand {
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/@\\s:]+:)[^@/\\s]+@");
  private static final Pattern URL_TOKEN = Pattern.compile("((?i:https?)://)[^/@\\s:'\"]+@");
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
  // git runs this with sh; the values come from git's own environment, so no secret is an argument
  // of any process. It answers only "get", for the scope it is configured for.
  private static final String CREDENTIAL_HELPER =
      "!f() { test \"$1\" = get || exit 0;"
          + " printf 'username=%s\\npassword=%s\\n' \"$KILN_GIT_USERNAME\" \"$KILN_GIT_PASSWORD\"; }; f";
  private static final int STDERR_SHOWN = 4 * 1024;

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
    // An http server that goes quiet fails the transfer (curl's low-speed limit: under 1 byte/s
    // for the idle limit), rather than holding the build until the time limit.
    env.put("GIT_HTTP_LOW_SPEED_LIMIT", "1");
    env.put("GIT_HTTP_LOW_SPEED_TIME", Long.toString(IdleLimit.current().toSeconds()));
    // As BuildKit without known hosts: no config of the user, no prompt, host keys not pinned.
    env.put(
        "GIT_SSH_COMMAND",
        "ssh -F /dev/null -o BatchMode=yes -o StrictHostKeyChecking=no"
            + " -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR");
    sshAgent.ifPresent(socket -> env.put("SSH_AUTH_SOCK", socket.toString()));
    return new GitCommand(Map.copyOf(env), timeout);
  }

  /**
   * This git answering an http(s) server's challenge for {@code url}'s scope with its user and
   * password: a credential helper configured through git's environment ({@code GIT_CONFIG_*}) reads
   * them from the environment of git alone. Nothing changes when the URL has no credentials.
   */
  public GitCommand withCredentials(GitUrl url) {
    if (!url.hasCredentials()) {
      return this;
    }
    Map<String, String> env = new TreeMap<>(environment);
    env.put("GIT_CONFIG_COUNT", "1");
    env.put("GIT_CONFIG_KEY_0", "credential." + url.scope() + ".helper");
    env.put("GIT_CONFIG_VALUE_0", CREDENTIAL_HELPER);
    env.put("KILN_GIT_USERNAME", url.username());
    env.put("KILN_GIT_PASSWORD", url.password());
    return new GitCommand(Map.copyOf(env), timeout);
  }

  /** The environment git runs with (for tests). */
  Map<String, String> environment() {
    return environment;
  }

  /** {@code text} with the password (or http(s) token user) of every URL replaced by xxxxx. */
  public static String redact(String text) {
    String withoutPasswords = URL_PASSWORD.matcher(text).replaceAll("$1xxxxx@");
    return URL_TOKEN.matcher(withoutPasswords).replaceAll("$1xxxxx@");
  }

  /**
   * Runs {@code git args…} in {@code dir} and returns its stdout; a non-zero exit, a time-out or a
   * missing git program is a {@link GitFailure} saying {@code what} failed, with git's stderr.
   */
  public String run(Path dir, String what, List<String> args) throws GitFailure, IOException {
    List<String> command = new ArrayList<>();
    command.add(program(environment.get("PATH")));
    command.addAll(args);
    HostCommand.Result result;
    try {
      result =
          HostCommand.of(command)
              .in(dir)
              .withOnlyEnvironment(environment)
              .timeout(timeout)
              .providedBy("git")
              .run();
    } catch (HostCommandTimeoutException e) {
      throw new GitFailure(
          what + ": git " + args.get(0) + " did not finish within " + timeout.toSeconds() + "s",
          "check that the repository's server answers; large repositories take longer");
    } catch (InterruptedIOException e) {
      throw new InterruptedIOException("interrupted while running git " + args.get(0));
    } catch (HostCommandException e) {
      throw new GitFailure(
          what + ": cannot run git: " + redact(e.getMessage()),
          "install git and put it on PATH; kiln runs the git program for git sources");
    }
    if (!result.succeeded()) {
      String said = redact(lastPart(result.stderr().strip()));
      if (said.contains("Operation too slow")) {
        long idle = IdleLimit.current().toSeconds();
        throw new GitFailure(
            what + ": the server sent nothing for " + idle + " s (" + said + ")",
            "run the build again; if it stalls again, check the server (or the proxy) that serves"
                + " the repository");
      }
      throw new GitFailure(
          what
              + ": git "
              + args.get(0)
              + " exited with "
              + result.exitCode()
              + (said.isEmpty() ? "" : ": " + said),
          "check the repository URL, the ref, and your access to the repository");
    }
    return result.stdout();
  }

  /**
   * The git program on the build's {@code PATH} (the JDK would look it up on kiln's own), or plain
   * {@code git} for the JDK to find when there is none.
   */
  private static String program(String path) {
    for (String dir : path == null ? new String[0] : path.split(":")) {
      if (dir.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(dir, "git");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    return "git";
  }

  /** The end of git's stderr, which says why it failed. */
  private static String lastPart(String stderr) {
    return stderr.length() <= STDERR_SHOWN
        ? stderr
        : "…" + stderr.substring(stderr.length() - STDERR_SHOWN);
  }
}
