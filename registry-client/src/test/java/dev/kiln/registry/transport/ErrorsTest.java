package dev.kiln.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class ErrorsTest {
  private static RegistryResponse response(String method, int status, String body) {
    RegistryRequest request =
        RegistryRequest.of(method, URI.create("https://r.example/v2/app/manifests/1?_state=secret"))
            .forRegistry("r.example", List.of(RepositoryScope.pullPush("app")));
    return RegistryResponse.buffered(
        request, status, Headers.empty(), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void registryErrorBodiesAreParsedAndQuotedVerbatim() {
    List<RegistryError> errors =
        RegistryError.parseBody(
            "{\"errors\":[{\"code\":\"MANIFEST_INVALID\",\"message\":\"manifest invalid\",\"detail\":{\"x\":1}}]}"
                .getBytes(StandardCharsets.UTF_8));
    assertEquals(
        List.of(new RegistryError("MANIFEST_INVALID", "manifest invalid", "{\"x\":1}")), errors);
    assertEquals(
        List.of(new RegistryError("", "<html> bad gateway </html>", null)),
        RegistryError.parseBody("<html>\n bad gateway\n</html>".getBytes(StandardCharsets.UTF_8)));
    assertTrue(RegistryError.parseBody(new byte[0]).isEmpty());
  }

  @Test
  void statusesMapToTypesAndRetryability() {
    assertInstanceOf(
        NotFoundException.class, RegistryException.fromResponse("x", response("GET", 404, "")));
    assertInstanceOf(
        AuthenticationException.class,
        RegistryException.fromResponse("x", response("GET", 401, "")));
    assertInstanceOf(
        AuthenticationException.class,
        RegistryException.fromResponse("x", response("GET", 403, "")));
    assertTrue(RegistryException.fromResponse("x", response("GET", 503, "")).retryable());
    assertTrue(RegistryException.fromResponse("x", response("GET", 429, "")).retryable());
    assertFalse(RegistryException.fromResponse("x", response("GET", 501, "")).retryable());
    assertFalse(RegistryException.fromResponse("x", response("GET", 400, "")).retryable());
  }

  @Test
  void messagesSayWhatWhereStatusCodesSourceAndWhatToDo() {
    RegistryException e =
        RegistryException.fromResponse(
            "pushing manifest r.example/app:1",
            response(
                    "PUT",
                    400,
                    "{\"errors\":[{\"code\":\"MANIFEST_BLOB_UNKNOWN\",\"message\":\"blob unknown to registry\"}]}")
                .withCredentialSource("docker config /home/u/.docker/config.json"));
    String m = e.getMessage();
    assertTrue(
        m.startsWith("pushing manifest r.example/app:1: PUT https://r.example/v2/app/manifests/1"),
        m);
    assertTrue(m.contains("HTTP 400: MANIFEST_BLOB_UNKNOWN: blob unknown to registry"), m);
    assertTrue(m.contains("[credentials: docker config /home/u/.docker/config.json]"), m);
    assertTrue(m.contains("push the blobs first"), m);
    assertFalse(m.contains("secret"), "query values are redacted: " + m);
    assertTrue(e.hasCode("MANIFEST_BLOB_UNKNOWN"));
  }

  @Test
  void hintsForTheCommonFailures() {
    assertTrue(hint("GET", 401, "", null).contains("kiln login r.example"));
    assertTrue(hint("GET", 401, "", "cfg").contains("did not accept the credentials from cfg"));
    assertTrue(hint("PUT", 403, "", "cfg").contains("not allowed to push to"));
    assertTrue(
        hint("GET", 404, "{\"errors\":[{\"code\":\"NAME_UNKNOWN\"}]}", null)
            .contains("repository does not exist"));
    assertTrue(
        hint("GET", 404, "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\"}]}", null)
            .contains("blob is not in this repository"));
    assertTrue(
        hint("GET", 404, "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\"}]}", null)
            .contains("no manifest with that tag"));
    assertTrue(
        hint("PUT", 400, "{\"errors\":[{\"code\":\"MANIFEST_INVALID\"}]}", null)
            .contains("rejected the manifest"));
    assertTrue(hint("HEAD", 404, "", null).contains("GET shows the registry's reason"));
    assertTrue(hint("GET", 429, "", null).contains("rate-limiting"));
  }

  private static String hint(String method, int status, String body, String source) {
    RegistryResponse r = response(method, status, body);
    return RegistryException.fromResponse("x", source == null ? r : r.withCredentialSource(source))
        .getMessage();
  }

  @Test
  void transientFailures() {
    assertTrue(TransientFailures.isTransient(new SocketException("Connection reset")));
    assertTrue(TransientFailures.isTransient(new SocketTimeoutException("Read timed out")));
    assertTrue(TransientFailures.isTransient(new IOException("Premature end of Content-Length")));
    assertFalse(
        TransientFailures.isTransient(new SSLHandshakeException("PKIX path building failed")));
    assertFalse(TransientFailures.isTransient(new UnknownHostException("nope.example")));
    assertTrue(TransientFailures.isTransient(new ConnectException("refused")));
    assertFalse(TransientFailures.isTransient(new java.io.InterruptedIOException()));
    assertFalse(
        TransientFailures.isTransient(
            RegistryException.ioFailure("x", new UnknownHostException("h"))));
    assertTrue(
        TransientFailures.isTransient(RegistryException.ioFailure("x", new SocketException("r"))));
  }

  @Test
  void aRegistryThatCannotBeReachedIsSaidSoWithTheSystemsReason() {
    assertEquals(
        "pulling manifest 127.0.0.1:1/app:1: cannot connect: Connection refused; check that the"
            + " registry is running and that its host and port are right",
        RegistryException.ioFailure(
                "pulling manifest 127.0.0.1:1/app:1",
                new ConnectException(
                    "Connect to 127.0.0.1:1 [/127.0.0.1] failed: Connection refused"))
            .getMessage());
    assertEquals(
        "logging in to nope.example: unknown host nope.example (Name or service not known);"
            + " check the registry's name and this machine's DNS",
        RegistryException.ioFailure(
                "logging in to nope.example",
                new UnknownHostException("nope.example: Name or service not known"))
            .getMessage());
    assertEquals(
        "x: cannot connect: timed out; check that the registry is up and reachable from this"
            + " machine (a proxy, a firewall)",
        RegistryException.ioFailure("x", new SocketTimeoutException("connect timed out"))
            .getMessage());
    assertEquals(
        "x: Read timed out",
        RegistryException.ioFailure("x", new SocketTimeoutException("Read timed out"))
            .getMessage());
  }

  @Test
  void urlsAreRedactedForLogs() {
    assertEquals(
        "https://r.example:5000/v2/a/blobs/uploads/1?_state=REDACTED&digest=sha256:ab",
        UrlRedactor.redact(
            URI.create(
                "https://user:pw@r.example:5000/v2/a/blobs/uploads/1?_state=s3cr3t&digest=sha256:ab")));
    assertEquals(
        "https://s3.example/b?X-Amz-Signature=REDACTED&flag",
        UrlRedactor.redact(URI.create("https://s3.example/b?X-Amz-Signature=abc&flag")));
  }
}
