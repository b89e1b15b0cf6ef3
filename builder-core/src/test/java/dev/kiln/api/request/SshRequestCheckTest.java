package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** buildx's {@code --ssh} checks, made before the build starts. */
class SshRequestCheckTest {
  @TempDir Path dir;

  @Test
  void anIdAloneNeedsSshAuthSockAsInBuildx() {
    RequestException e = assertThrows(RequestException.class, () -> check(Map.of(), "default"));
    assertEquals(
        "--ssh default: invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set",
        e.getMessage());
    assertDoesNotThrow(() -> check(Map.of("SSH_AUTH_SOCK", "/run/user/0/agent"), "default"));
    assertDoesNotThrow(() -> check(Map.of(), "git=" + key("k")));
  }

  @Test
  void oneSocketOrKeyFilesButNeverBoth() throws Exception {
    try (ServerSocketChannel one = socket("one.sock");
        ServerSocketChannel two = socket("two.sock")) {
      Path a = dir.resolve("one.sock");
      Path b = dir.resolve("two.sock");
      assertTrue(SshSpec.isSocket(a));
      assertDoesNotThrow(() -> check(Map.of(), "default=" + a));
      assertDoesNotThrow(() -> check(Map.of(), "default=" + key("k1") + "," + key("k2")));
      assertEquals(
          "--ssh default: invalid combination of keys and sockets",
          assertThrows(
                  RequestException.class, () -> check(Map.of(), "default=" + a + "," + key("k")))
              .getMessage());
      assertEquals(
          "--ssh default: only single socket allowed",
          assertThrows(RequestException.class, () -> check(Map.of(), "default=" + a + "," + b))
              .getMessage());
    }
  }

  @Test
  void aMissingFileADirectoryAndATwiceGivenIdAreRefused() {
    RequestException missing =
        assertThrows(RequestException.class, () -> check(Map.of(), "git=" + dir.resolve("none")));
    assertTrue(missing.getMessage().startsWith("--ssh git=" + dir.resolve("none") + ": "));
    RequestException directory =
        assertThrows(RequestException.class, () -> check(Map.of(), "git=" + dir));
    assertEquals(
        "--ssh git=" + dir + ": is a directory, not a socket or a key file",
        directory.getMessage());
    RequestException twice =
        assertThrows(
            RequestException.class, () -> check(Map.of(), "git=" + key("a"), "git=" + key("b")));
    assertEquals("--ssh git: duplicate agent ID \"git\"", twice.getMessage());
  }

  private void check(Map<String, String> environment, String... specs) {
    BuildRequest.Builder builder = BuildRequest.builder(dir).environment(environment);
    for (String spec : specs) {
      builder.ssh(SshSpec.parse(spec));
    }
    BuildRequestCheck.check(builder.build(), dir.resolve("store"));
  }

  private Path key(String name) throws java.io.IOException {
    return Files.writeString(dir.resolve(name), "-----BEGIN OPENSSH PRIVATE KEY-----\n");
  }

  private ServerSocketChannel socket(String name) throws java.io.IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve(name)));
    return server;
  }
}
