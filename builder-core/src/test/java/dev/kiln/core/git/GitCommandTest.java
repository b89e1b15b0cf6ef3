package dev.kiln.core.git;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real git program under {@link GitCommand}: its environment, time limit and redaction. */
class GitCommandTest {
  @TempDir Path temp;

  private GitCommand git(Map<String, String> env, Duration timeout) throws Exception {
    return GitCommand.clean(
        env, Files.createDirectories(temp.resolve("home")), Optional.empty(), timeout);
  }

  @Test
  void onlyPathProxiesAndGitsOwnSwitchesAreKept() throws Exception {
    Map<String, String> env =
        git(
                Map.of(
                    "PATH", "/usr/bin:/bin",
                    "HTTPS_PROXY", "http://proxy:3128",
                    "GIT_DIR", "/etc",
                    "API_TOKEN", "do-not-pass",
                    "SSH_AUTH_SOCK", "/tmp/agent"),
                Duration.ofMinutes(1))
            .environment();
    assertEquals("/usr/bin:/bin", env.get("PATH"));
    assertEquals("http://proxy:3128", env.get("HTTPS_PROXY"));
    assertEquals("0", env.get("GIT_TERMINAL_PROMPT"));
    assertEquals("1", env.get("GIT_CONFIG_NOSYSTEM"));
    assertEquals("/dev/null", env.get("GIT_CONFIG_GLOBAL"));
    assertEquals("http:https:git:ssh", env.get("GIT_ALLOW_PROTOCOL"));
    assertFalse(env.containsKey("GIT_DIR"));
    assertFalse(env.containsKey("API_TOKEN"));
    assertFalse(env.containsKey("SSH_AUTH_SOCK"), "an agent only when one is given");
  }

  @Test
  void theUsersGitConfigurationIsNotRead() throws Exception {
    // A ~/.gitconfig of the user running kiln would rewrite URLs; git must not see it.
    Path home = Files.createDirectories(temp.resolve("user-home"));
    Files.writeString(home.resolve(".gitconfig"), "[user]\n\tname = from-user-config\n");
    GitCommand command = git(Map.of("HOME", home.toString()), Duration.ofMinutes(1));
    GitFailure failure =
        assertThrows(
            GitFailure.class,
            () -> command.run(temp, "config", List.of("config", "--get", "user.name")));
    assertTrue(failure.getMessage().contains("exited with 1"), failure.getMessage());
  }

  @Test
  void aServerThatNeverAnswersIsCutOffAtTheTimeLimit() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread accept =
          new Thread(
              () -> {
                try (Socket s = silent.accept()) {
                  Thread.sleep(30_000);
                } catch (Exception e) {
                  // closed by the test
                }
              });
      accept.setDaemon(true);
      accept.start();
      GitCommand command = git(Map.of(), Duration.ofSeconds(2));
      long start = System.nanoTime();
      GitFailure failure =
          assertThrows(
              GitFailure.class,
              () ->
                  command.run(
                      temp,
                      "git ls-remote",
                      List.of(
                          "ls-remote", "git://127.0.0.1:" + silent.getLocalPort() + "/repo.git")));
      assertTrue(failure.getMessage().contains("did not finish within 2s"), failure.getMessage());
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 20);
    }
  }

  @Test
  void anHttpServerThatGoesQuietFailsAtTheIdleLimitNotTheTimeLimit() throws Exception {
    System.setProperty(dev.kiln.core.fetch.IdleLimit.PROPERTY, "1");
    try (var stalling = dev.kiln.testdata.net.StallingHttpServer.start(0)) {
      GitCommand command = git(Map.of(), Duration.ofMinutes(2));
      long start = System.nanoTime();
      GitFailure failure =
          assertThrows(
              GitFailure.class,
              () ->
                  command.run(
                      temp,
                      "git ls-remote " + stalling.url("repo.git"),
                      List.of("ls-remote", "--", stalling.url("repo.git"))));
      assertTrue(Duration.ofNanos(System.nanoTime() - start).toSeconds() < 30);
      assertTrue(failure.getMessage().contains("sent nothing for 1 s"), failure.getMessage());
      assertTrue(failure.getMessage().contains(stalling.url("repo.git")), failure.getMessage());
      assertTrue(failure.hint().contains("run the build again"), failure.hint());
    } finally {
      System.clearProperty(dev.kiln.core.fetch.IdleLimit.PROPERTY);
    }
  }

  @Test
  void aPasswordInAUrlIsNotInTheFailure() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    GitCommand command = git(Map.of(), Duration.ofMinutes(1));
    String url = "http://user:hunter2pw@127.0.0.1:" + closed + "/repo.git";
    GitFailure failure =
        assertThrows(
            GitFailure.class,
            () -> command.run(temp, "git ls-remote", List.of("ls-remote", "--", url)));
    assertFalse(failure.getMessage().contains("hunter2pw"), failure.getMessage());
    assertTrue(failure.getMessage().contains("exited with"), failure.getMessage());
    assertEquals(
        "fatal: unable to access 'http://user:xxxxx@host/r.git/'",
        GitCommand.redact("fatal: unable to access 'http://user:hunter2pw@host/r.git/'"));
    assertEquals(
        "fatal: unable to access 'https://xxxxx@host/r.git/'",
        GitCommand.redact("fatal: unable to access 'https://ghp_t0ken@host/r.git/'"));
    assertEquals("ssh://git@host/r.git", GitCommand.redact("ssh://git@host/r.git"));
  }

  @Test
  void aUrlsCredentialsGoToGitsEnvironmentNotItsUrl() throws Exception {
    GitUrl url = GitUrl.of("https://us%40er:p%3Aw+x@Host.example:8443/r.git");
    assertEquals("https://Host.example:8443/r.git", url.remote());
    assertEquals("https://Host.example:8443", url.scope());
    assertEquals("us@er", url.username());
    assertEquals("p:w+x", url.password());
    GitUrl token = GitUrl.of("https://t0k3n@host/r.git");
    assertEquals("https://host/r.git", token.remote());
    assertEquals("t0k3n", token.username());
    assertEquals("", token.password());
    assertEquals("ssh://git@host/r.git", GitUrl.of("ssh://git@host/r.git").remote());
    assertFalse(GitUrl.of("https://host/r.git").hasCredentials());
    assertFalse(url.toString().contains("p:w+x"), url.toString());
    assertThrows(GitFailure.class, () -> GitUrl.of("https://u:a%0Ab@host/r.git"));

    Map<String, String> env =
        git(Map.of(), Duration.ofMinutes(1)).withCredentials(url).environment();
    assertEquals("us@er", env.get("KILN_GIT_USERNAME"));
    assertEquals("p:w+x", env.get("KILN_GIT_PASSWORD"));
    assertEquals("credential.https://Host.example:8443.helper", env.get("GIT_CONFIG_KEY_0"));
    assertFalse(env.get("GIT_CONFIG_VALUE_0").contains("p:w+x"));
  }
}
