package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.sandbox.MountTable;
import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SshKeyAgent} and {@link SshAgentProxy} with OpenSSH's real {@code ssh-agent}, {@code
 * ssh-add} and {@code ssh-keygen}: what buildx does with {@code --ssh ID=KEYFILE}, and that the
 * agent holding the key never outlives kiln.
 */
class SshKeyAgentIT {
  @TempDir Path dir;

  @Test
  void aKeyFileIsServedThroughTheProxyWhichRefusesToRemoveIt() throws Exception {
    Path key = TestSshAgent.key(dir, "deploy", "");
    Files.setAttribute(key, "unix:mode", 0644); // ssh-add would refuse this file as it is
    Path agentDir = Files.createDirectory(dir.resolve("agent"));
    try (SshKeyAgent agent = SshKeyAgent.start("deploy", List.of(key), agentDir);
        SshAgentProxy proxy =
            SshAgentProxy.start(agent.socket(), dir.resolve("proxy.sock"), 0, 0, 0600, false)) {
      assertEquals(List.of("agent"), list(agentDir), "ssh-add's copy of the key is gone");
      assertTrue(sshAdd(proxy.socket(), "-l").stdout().contains(TestSshAgent.fingerprint(key)));
      assertFalse(sshAdd(proxy.socket(), "-D").exitCode() == 0, "the step removed the key");
      assertTrue(sshAdd(agent.socket(), "-l").stdout().contains(TestSshAgent.fingerprint(key)));
    }
    assertFalse(TestSshAgent.kilnAgentRunningWith(agentDir), "the agent outlived close()");
    assertEquals(List.of(), list(agentDir));
  }

  @Test
  void aKeyWithAPassphraseIsRefusedWithAHint() throws Exception {
    Path key = TestSshAgent.key(dir, "locked", "a passphrase");
    assertTrue(SshKeyAgent.isEncrypted(Files.readAllBytes(key)));
    assertFalse(SshKeyAgent.isEncrypted(Files.readAllBytes(TestSshAgent.key(dir, "open", ""))));
    IOException e =
        assertThrows(
            IOException.class,
            () -> SshKeyAgent.start("git", List.of(key), Files.createDirectory(dir.resolve("a"))));
    assertTrue(e.getMessage().startsWith("--ssh git=" + key + ": "), e.getMessage());
    assertTrue(e.getMessage().contains("passphrase"), e.getMessage());
    assertTrue(e.getMessage().contains("ssh-add " + key), e.getMessage());
  }

  @Test
  void withoutSshAgentTheMessageSaysWhatToInstall() throws Exception {
    Path key = TestSshAgent.key(dir, "deploy", "");
    IOException e =
        assertThrows(
            IOException.class,
            () -> SshKeyAgent.start("deploy", List.of(key), dir, name -> Optional.empty()));
    assertTrue(e.getMessage().contains("openssh-client"), e.getMessage());
    assertTrue(e.getMessage().contains("--ssh deploy"), e.getMessage());
  }

  @Test
  void theAgentDiesWithAKilledBuild(@TempDir Path work) throws Exception {
    RunFixture kiln = new RunFixture(work, "auto", "auto");
    kiln.installBusybox();
    Path key = TestSshAgent.key(dir, "deploy", "");
    Path ctx =
        kiln.context(
            "FROM "
                + RunFixture.BUSYBOX
                + "\nRUN --mount=type=ssh,id=deploy echo holding && sleep 60\n",
            Map.of());
    try (ChildBuild child =
        ChildBuild.start(kiln.cacheDir(), ctx, List.of("ssh=deploy=" + key), Map.of())) {
      child.await(l -> l.equals("output holding"), 120);
      assertTrue(TestSshAgent.kilnAgentRunning(), "no agent while the step runs");
      child.signal("KILL");
      child.waitFor(60);
    }
    for (int i = 0; i < 100 && TestSshAgent.kilnAgentRunning(); i++) {
      Thread.sleep(100);
    }
    assertFalse(TestSshAgent.kilnAgentRunning(), "the agent outlived the killed build");
    // The next build removes what the killed one left (its container, its mounts).
    kiln.build("FROM " + RunFixture.BUSYBOX + "\nRUN true\n");
    assertEquals(List.of(), MountTable.mountPointsUnder(kiln.cacheDir()));
  }

  private static ProcessRunner.Result sshAdd(Path socket, String option) {
    return ProcessRunner.run(
        List.of("ssh-add", option),
        Map.of("SSH_AUTH_SOCK", socket.toString()),
        Duration.ofSeconds(30));
  }

  private static List<String> list(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
