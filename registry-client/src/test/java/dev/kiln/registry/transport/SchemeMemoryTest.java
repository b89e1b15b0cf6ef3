package dev.kiln.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.transport.InterceptorsTest.ScriptedTransport;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which scheme a registry is pinged with first, given what earlier processes found. */
class SchemeMemoryTest {
  private static final String HOST = "127.0.0.1:5000";

  @TempDir Path tmp;

  private static RegistryResponse get(ScriptedTransport t, SchemeMemory memory) throws IOException {
    HttpPipeline p =
        new HttpPipeline(
            List.of(new SchemeInterceptor(RegistrySecurity.defaults(), new PingResults(), memory)),
            t);
    return p.execute(
        RegistryRequest.of("GET", URI.create("https://" + HOST + "/v2/app/manifests/1"))
            .forRegistry(HOST, List.of()));
  }

  private static List<String> schemes(ScriptedTransport t) {
    return t.seen.stream().map(r -> r.uri().getScheme()).toList();
  }

  @Test
  void aLoopbackRegistryFoundPlainIsAskedOverHttpFirstByTheNextProcess() throws IOException {
    Path file = tmp.resolve("plain-http-registries");
    ScriptedTransport first =
        new ScriptedTransport()
            .thenFail(new SSLException("Unsupported or unrecognized SSL message"))
            .then(200)
            .then(200);
    get(first, new FileSchemeMemory(file));
    assertEquals(List.of("https", "http", "http"), schemes(first));

    ScriptedTransport next = new ScriptedTransport().then(200).then(200);
    get(next, new FileSchemeMemory(file));

    assertEquals(List.of("http", "http"), schemes(next), "no HTTPS attempt");
    assertEquals(List.of(HOST), Files.readAllLines(file));
  }

  @Test
  void aRememberedRegistryThatNowSpeaksTlsIsReachedAndForgotten() throws IOException {
    Path file = tmp.resolve("plain-http-registries");
    Files.writeString(file, HOST + "\n");
    // A TLS server answers a plain HTTP request with 400.
    ScriptedTransport t = new ScriptedTransport().then(400).then(200).then(200);

    RegistryResponse r = get(t, new FileSchemeMemory(file));

    assertEquals(200, r.status());
    assertEquals(List.of("http", "https", "https"), schemes(t));
    assertFalse(new FileSchemeMemory(file).plainHttp(HOST));
  }

  @Test
  void aRememberedRegistryThatDropsThePlainRequestIsTriedOverHttps() throws IOException {
    Path file = tmp.resolve("plain-http-registries");
    Files.writeString(file, HOST + "\n");
    ScriptedTransport t =
        new ScriptedTransport()
            .thenFail(new java.net.SocketException("Connection reset"))
            .then(401, "WWW-Authenticate", "Basic realm=\"r\"")
            .then(200);

    get(t, new FileSchemeMemory(file));

    assertEquals(List.of("http", "https", "https"), schemes(t));
  }

  @Test
  void aRegistryNotInsecureIsNeverAskedOverHttp() throws IOException {
    Path file = tmp.resolve("plain-http-registries");
    Files.writeString(file, "registry.example\n");
    ScriptedTransport t = new ScriptedTransport().then(200).then(200);
    HttpPipeline p =
        new HttpPipeline(
            List.of(
                new SchemeInterceptor(
                    RegistrySecurity.defaults(), new PingResults(), new FileSchemeMemory(file))),
            t);

    p.execute(
        RegistryRequest.of("GET", URI.create("https://registry.example/v2/"))
            .forRegistry("registry.example", List.of()));

    assertEquals(List.of("https", "https"), schemes(t));
    assertTrue(new FileSchemeMemory(file).plainHttp("registry.example"), "left as it was");
  }
}
