package dev.kiln.core.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.registry.transport.ProxySettings;
import dev.kiln.testdata.net.StallingHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The idle limit of a download's body, against real servers on loopback. */
class HttpDownloadTest {
  @BeforeEach
  void shortLimit() {
    System.setProperty(IdleLimit.PROPERTY, "1");
  }

  @AfterEach
  void defaultLimit() {
    System.clearProperty(IdleLimit.PROPERTY);
  }

  @Test
  void aServerThatStallsAfterItsHeadersFailsTheReadNamingTheUrlAndTheBytes() throws Exception {
    try (StallingHttpServer server = StallingHttpServer.start(10)) {
      String url = server.url("big.bin");
      HttpDownload.Response response =
          new HttpDownload(ProxySettings.fromEnvironment(Map.of())).get(URI.create(url), url);
      long start = System.nanoTime();
      DownloadStalled stalled =
          assertThrows(
              DownloadStalled.class,
              () -> {
                try (InputStream in = response.body()) {
                  in.transferTo(OutputStream.nullOutputStream());
                }
              });
      long seconds = (System.nanoTime() - start) / 1_000_000_000L;
      assertTrue(seconds < 10, "gave up after " + seconds + " s");
      assertTrue(stalled.getMessage().contains(url), stalled.getMessage());
      assertTrue(stalled.getMessage().contains("after 10 bytes"), stalled.getMessage());
      assertTrue(stalled.getMessage().contains("nothing for 1 s"), stalled.getMessage());
      assertTrue(stalled.hint().contains("run the build again"), stalled.hint());
    }
  }

  @Test
  void aReaderSlowerThanTheLimitIsNoStalledServer() throws Exception {
    byte[] data = new byte[40_000];
    new java.util.Random(7).nextBytes(data);
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.sendResponseHeaders(200, data.length);
            exchange.getResponseBody().write(data);
          }
        });
    http.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/data");
      HttpDownload.Response response =
          new HttpDownload(ProxySettings.fromEnvironment(Map.of())).get(uri, uri.toString());
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      try (InputStream in = response.body()) {
        byte[] buffer = new byte[100_000];
        for (int n; (n = in.read(buffer)) >= 0; ) {
          read.write(buffer, 0, n);
          Thread.sleep(1200);
        }
      }
      assertArrayEquals(data, read.toByteArray());
    } finally {
      http.stop(0);
    }
  }
}
