package dev.kiln.core.engine;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUN end to end: real commands on the busybox base, built by the {@link Engine} into an OCI layout
 * and judged by umoci and commons-compress. The fixture, a loopback HTTP server for the network
 * tests and the helpers live here; the tests are split by what they depend on, so each runs as
 * often as it needs and no more: {@link RunBehaviour} (what reaches the layer) for every isolation
 * and snapshotter, {@link RunIsolationBehaviour} (what the sandbox lets a command see and do) once
 * per isolation, {@link RunOnceIT} (checks and output made before or around the sandbox) once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SandboxedRunTest {
  static final String FROM = "FROM " + RunFixture.BUSYBOX + "\n";

  RunFixture kiln;

  HttpServer server;

  abstract String isolation();

  abstract String snapshotter();

  @BeforeAll
  void installBase(@TempDir Path work) throws Exception {
    kiln = new RunFixture(work, isolation(), snapshotter());
    kiln.installBusybox();
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = "reached\n".getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterAll
  void stopServer() {
    server.stop(0);
  }

  /** Docker's default capabilities as {@code CapEff} shows them. */
  static final String DOCKER_DEFAULT_CAPS = "00000000a80425fb";

  /** {@code CapEff} with every capability kiln can hand on: its bounding set, as far as named. */
  static String everyCapability() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("CapBnd:")) {
        long bounding = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return String.format("%016x", bounding & ((1L << 41) - 1));
      }
    }
    throw new AssertionError("no CapBnd in /proc/self/status");
  }

  /** The host's network interfaces, as a step lists them from {@code /proc/net/dev}. */
  static String hostInterfaces() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("/proc/net/dev"));
    return String.join(
        "\n",
        sorted(lines.subList(2, lines.size()).stream().map(l -> l.split(":")[0].trim()).toList()));
  }

  List<dev.kiln.api.event.BuildEvent> stepsStarted() {
    return kiln.events().stream()
        .filter(e -> e instanceof dev.kiln.api.event.BuildEvent.StepStarted)
        .toList();
  }

  /**
   * A shell pipeline that prints "reached" when the test's HTTP server on the host's loopback
   * answers (busybox's nc: its wget crashes in Debian's static build).
   */
  static String request(int port) {
    return "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 127.0.0.1 " + port + " | grep -o reached";
  }

  static List<String> sorted(List<String> names) {
    return new ArrayList<>(new TreeSet<>(names));
  }
}
