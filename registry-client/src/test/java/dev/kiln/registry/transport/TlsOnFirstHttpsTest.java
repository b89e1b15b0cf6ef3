package dev.kiln.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS is set up on a host's first HTTPS connection, not with its client: a plain-HTTP registry
 * never pays for it. Seen through a certs.d directory that TLS set-up refuses (a client certificate
 * without its key): plain HTTP to that host works, HTTPS still fails naming it.
 */
class TlsOnFirstHttpsTest {
  @TempDir Path certsDir;
  private HttpServer server;
  private String hostPort;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v2/",
        exchange -> {
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    server.start();
    hostPort = "127.0.0.1:" + server.getAddress().getPort();
    Path hostDir = Files.createDirectories(certsDir.resolve(hostPort));
    Files.writeString(hostDir.resolve("client.cert"), "not used without a key\n");
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private GoogleHttpTransport transport() {
    return new GoogleHttpTransport(
        RegistrySecurity.defaults().withCertsDirs(List.of(certsDir)),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5));
  }

  @Test
  void plainHttpDoesNotSetUpTlsButHttpsStillDoes() throws IOException {
    try (GoogleHttpTransport transport = transport()) {
      RegistryResponse plain =
          transport.execute(RegistryRequest.of("GET", URI.create("http://" + hostPort + "/v2/")));
      assertEquals(200, plain.status());
      IOException https =
          assertThrows(
              IOException.class,
              () ->
                  transport.execute(
                      RegistryRequest.of("GET", URI.create("https://" + hostPort + "/v2/"))));
      assertTrue(https.getMessage().contains("client.cert"), https.getMessage());
    }
  }
}
