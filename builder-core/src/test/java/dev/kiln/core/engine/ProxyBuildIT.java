package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.net.ForwardProxy;
import dev.kiln.testdata.net.LocalNames;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build whose base image and ADD URL are reached through the proxy its environment names ({@code
 * HTTP_PROXY}, {@code NO_PROXY}), as docker and skopeo would reach them. Registry and file server
 * listen on loopback but are named with a host name that is not {@code localhost}, which Go's rules
 * (and kiln's) would never proxy.
 */
class ProxyBuildIT {
  static final LocalNames.Alias HOST = LocalNames.loopbackAlias();

  @RegisterExtension
  static LocalRegistry registry = LocalRegistry.plain().withHostName(HOST.name(), HOST.address());

  @RegisterExtension static LocalRegistry output = LocalRegistry.plain();
  @RegisterExtension static ForwardProxy proxy = ForwardProxy.open();

  @RegisterExtension
  static ForwardProxy guarded = ForwardProxy.requiringCredentials("builder", "s3cret");

  @TempDir static Path work;
  static BuildHarness kiln;
  static HttpServer files;

  @BeforeAll
  static void start() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    // The base image, in the registry reached under the host name.
    kiln.build(
        kiln.context().dockerfile("FROM busybox:kiln\n").root(),
        b ->
            b.tag(registry.reference("base/busybox:1"))
                .output(OutputSpecParser.parse("type=registry"))
                .insecureRegistry(registry.hostPort()));
    files = HttpServer.create(new InetSocketAddress(HOST.address(), 0), 0);
    files.createContext(
        "/files/",
        exchange -> {
          byte[] body =
              ("served " + exchange.getRequestURI().getPath() + "\n")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    files.start();
  }

  @AfterAll
  static void stop() {
    if (files != null) {
      files.stop(0);
    }
  }

  @BeforeEach
  void forget() {
    proxy.clear();
    guarded.clear();
  }

  private static String url(String name) {
    return "http://" + HOST.name() + ":" + files.getAddress().getPort() + "/files/" + name;
  }

  private static Map<String, String> environment(String... pairs) {
    Map<String, String> env = new HashMap<>(System.getenv());
    for (String name :
        List.of("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy")) {
      env.remove(name);
    }
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return env;
  }

  private UnpackedImage build(String file, Map<String, String> environment) throws Exception {
    ContextDir ctx =
        kiln.context()
            .dockerfile(
                "FROM " + registry.reference("base/busybox:1") + "\nADD " + url(file) + " /x\n");
    return kiln.pushAndUnpack(
        output,
        ctx.root(),
        "proxied/" + file.replace('.', '-') + ":1",
        b -> b.environment(environment).insecureRegistry(registry.hostPort()));
  }

  @Test
  void theBaseImageAndAddUrlsGoThroughHttpProxy() throws Exception {
    UnpackedImage image = build("through.txt", environment("HTTP_PROXY", proxy.url()));
    assertEquals(
        "served /files/through.txt\n",
        Files.readString(image.rootfs().resolve("x"), StandardCharsets.UTF_8));
    assertTrue(
        proxy.requests().stream()
            .anyMatch(r -> r.method().equals("GET") && r.target().equals(url("through.txt"))),
        proxy.requests().toString());
    assertTrue(
        proxy.requestsTo(registry.hostPort()).stream()
            .anyMatch(r -> r.target().contains("/v2/base/busybox/manifests/1")),
        proxy.requests().toString());
    // The output registry is 127.0.0.1: never proxied.
    assertEquals(List.of(), proxy.requestsTo(output.hostPort()));
  }

  @Test
  void noProxyNamesAreFetchedDirectly() throws Exception {
    UnpackedImage image =
        build("direct.txt", environment("http_proxy", proxy.url(), "no_proxy", HOST.name()));
    assertEquals(
        "served /files/direct.txt\n",
        Files.readString(image.rootfs().resolve("x"), StandardCharsets.UTF_8));
    assertEquals(List.of(), proxy.requests());
  }

  @Test
  void theProxysCredentialsComeFromItsUrl() throws Exception {
    String withCredentials = "http://builder:s3cret@127.0.0.1:" + guarded.port();
    build("guarded.txt", environment("HTTP_PROXY", withCredentials));
    assertTrue(
        guarded.requests().stream()
            .anyMatch(r -> r.target().equals(url("guarded.txt")) && r.authorized()),
        guarded.requests().toString());
    assertFalse(guarded.requests().isEmpty());
  }

  @Test
  void aProxyRefusingTheCredentialsFailsTheAddWithAHint() {
    String wrong = "http://builder:wrong@127.0.0.1:" + guarded.port();
    ContextDir ctx = kiln.context().dockerfile("FROM scratch\nADD " + url("refused.txt") + " /x\n");
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () -> kiln.build(ctx.root(), b -> b.environment(environment("HTTP_PROXY", wrong))));
    assertTrue(failure.getMessage().contains("407"), failure.getMessage());
    assertTrue(failure.getMessage().contains("HTTP_PROXY"), failure.getMessage());
  }
}
