package dev.kiln.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.event.RegistryEvent;
import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The small interceptors, driven by a scripted transport that records what reached it. */
class InterceptorsTest {
  /** Answers with scripted responses or failures and records every request. */
  static final class ScriptedTransport implements Transport {
    final List<RegistryRequest> seen = new ArrayList<>();
    final Deque<Object> script = new ArrayDeque<>();

    ScriptedTransport then(int status, String... headers) {
      script.add(new Object[] {status, Headers.of(headers)});
      return this;
    }

    ScriptedTransport thenFail(IOException e) {
      script.add(e);
      return this;
    }

    @Override
    public RegistryResponse execute(RegistryRequest request) throws IOException {
      seen.add(request);
      Object next = script.removeFirst();
      if (next instanceof IOException e) {
        throw e;
      }
      Object[] r = (Object[]) next;
      return RegistryResponse.buffered(request, (Integer) r[0], (Headers) r[1], new byte[0]);
    }
  }

  private static final URI BLOB = URI.create("https://registry.example/v2/app/blobs/sha256:1");

  @Test
  void redirectsAreFollowedAndAuthorizationStaysHome() throws IOException {
    ScriptedTransport t =
        new ScriptedTransport()
            .then(307, "Location", "/v2/app/blobs/elsewhere")
            .then(302, "Location", "https://storage.example/bucket/blob?sig=x")
            .then(200);
    HttpPipeline p = new HttpPipeline(List.of(new RedirectInterceptor()), t);
    RegistryResponse r =
        p.execute(RegistryRequest.of("GET", BLOB).withHeader("Authorization", "Bearer tok"));
    assertEquals(200, r.status());
    assertEquals(
        "Bearer tok", t.seen.get(1).headers().first("Authorization"), "same host keeps it");
    assertEquals(
        URI.create("https://registry.example/v2/app/blobs/elsewhere"), t.seen.get(1).uri());
    assertNull(t.seen.get(2).headers().first("Authorization"), "another host never gets it");
    assertEquals("storage.example", t.seen.get(2).uri().getHost());
  }

  @Test
  void aDowngradeToHttpOnTheSameHostDropsAuthorizationToo() throws IOException {
    ScriptedTransport t =
        new ScriptedTransport().then(301, "Location", "http://registry.example/v2/x").then(200);
    new HttpPipeline(List.of(new RedirectInterceptor()), t)
        .execute(RegistryRequest.of("GET", BLOB).withHeader("Authorization", "Basic x"));
    assertNull(t.seen.get(1).headers().first("Authorization"));
  }

  @Test
  void redirectsOfUploadsAreNotFollowedAndLoopsEnd() throws IOException {
    ScriptedTransport t = new ScriptedTransport().then(302, "Location", "/elsewhere");
    RegistryResponse r =
        new HttpPipeline(List.of(new RedirectInterceptor()), t)
            .execute(RegistryRequest.of("PATCH", BLOB).withBody(RequestBody.of(new byte[1], null)));
    assertEquals(302, r.status());
    ScriptedTransport loop = new ScriptedTransport();
    for (int i = 0; i < 20; i++) {
      loop.then(302, "Location", "/again");
    }
    assertThrows(
        IOException.class,
        () ->
            new HttpPipeline(List.of(new RedirectInterceptor()), loop)
                .execute(RegistryRequest.of("GET", BLOB)));
  }

  @Test
  void retriesOnlyWhatIsSafeToRepeat() throws IOException {
    List<RegistryEvent> events = new ArrayList<>();
    List<Duration> waits = new ArrayList<>();
    RetryInterceptor retry =
        new RetryInterceptor(
            new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(1), Duration.ofSeconds(5)),
            waits::add,
            () -> 0.0,
            Clock.systemUTC(),
            events::add);
    ScriptedTransport t =
        new ScriptedTransport().thenFail(new SocketException("reset")).then(503).then(200);
    assertEquals(
        200, new HttpPipeline(List.of(retry), t).execute(RegistryRequest.of("GET", BLOB)).status());
    assertEquals(List.of(Duration.ofMillis(5), Duration.ofMillis(10)), waits);
    assertEquals(2, events.size());

    ScriptedTransport post = new ScriptedTransport().then(503);
    assertEquals(
        503,
        new HttpPipeline(List.of(retry), post).execute(RegistryRequest.of("POST", BLOB)).status());
    assertEquals(1, post.seen.size(), "POST is not retried unless marked retryable");

    ScriptedTransport exhausted = new ScriptedTransport().then(502).then(502).then(502);
    assertEquals(
        502,
        new HttpPipeline(List.of(retry), exhausted)
            .execute(RegistryRequest.of("GET", BLOB))
            .status());
    assertEquals(3, exhausted.seen.size());

    ScriptedTransport fatal =
        new ScriptedTransport().thenFail(new java.net.UnknownHostException("x"));
    assertThrows(
        java.net.UnknownHostException.class,
        () -> new HttpPipeline(List.of(retry), fatal).execute(RegistryRequest.of("GET", BLOB)));
    assertEquals(1, fatal.seen.size());
  }

  @Test
  void userAgentIsAddedOnceAndANullResponseNamesTheInterceptor() throws IOException {
    ScriptedTransport t = new ScriptedTransport().then(200);
    new HttpPipeline(List.of(new UserAgentInterceptor("kiln/test")), t)
        .execute(RegistryRequest.of("GET", BLOB));
    assertEquals(List.of("kiln/test"), t.seen.get(0).headers().all("User-Agent"));

    Interceptor broken = chain -> null;
    var e =
        assertThrows(
            IllegalStateException.class,
            () ->
                new HttpPipeline(List.of(broken), new ScriptedTransport())
                    .execute(RegistryRequest.of("GET", BLOB)));
    assertTrue(e.getMessage().contains("returned no response"), e.getMessage());
  }

  @Test
  void requestEventsCountSentRequestsOnly() throws IOException {
    List<RegistryEvent> events = new ArrayList<>();
    ScriptedTransport t =
        new ScriptedTransport()
            .then(200)
            .thenFail(new javax.net.ssl.SSLException("Unsupported or unrecognized SSL message"))
            .thenFail(new SocketException("reset"));
    HttpPipeline p = new HttpPipeline(List.of(new RequestEventsInterceptor(events::add)), t);
    p.execute(RegistryRequest.of("HEAD", BLOB));
    assertThrows(IOException.class, () -> p.execute(RegistryRequest.of("GET", BLOB)));
    assertThrows(IOException.class, () -> p.execute(RegistryRequest.of("GET", BLOB)));
    assertEquals(
        List.of(
            new RegistryEvent.RequestCompleted("HEAD", BLOB.toString(), 200),
            new RegistryEvent.RequestCompleted("GET", BLOB.toString(), 0)),
        events);
  }

  @Test
  void securityPolicyDecisions() {
    RegistrySecurity s =
        new RegistrySecurity(
            java.util.Set.of("insecure.example"),
            java.util.Set.of("plain.example:5000"),
            true,
            java.util.Set.of("creds.example"),
            java.util.List.of(),
            java.util.Map.of());
    assertTrue(s.isInsecure("insecure.example:443"));
    assertTrue(s.isInsecure("localhost:5000"));
    assertTrue(s.isInsecure("127.0.0.42:1"));
    assertTrue(s.isInsecure("[::1]:5000"));
    assertFalse(s.isInsecure("127.example.com"));
    assertFalse(s.isInsecure("ghcr.io"));
    assertTrue(s.isPlainHttp("plain.example:5000"));
    assertFalse(s.isPlainHttp("plain.example:5001"));
    assertTrue(s.allowsCredentialsOverPlainHttp("creds.example:80"));
    assertFalse(s.allowsCredentialsOverPlainHttp("localhost:5000"), "loopback alone is not enough");
    RegistrySecurity strict =
        new RegistrySecurity(
            java.util.Set.of(),
            java.util.Set.of(),
            false,
            java.util.Set.of(),
            java.util.List.of(),
            java.util.Map.of());
    assertFalse(strict.isInsecure("localhost:5000"));
  }
}
