package dev.kiln.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.X509ExtendedKeyManager;
import org.junit.jupiter.api.Test;

/**
 * With TLS 1.3 a registry that wants a client certificate refuses a client without one after the
 * client's side of the handshake is done: whether the client then sees the server's alert or only a
 * broken pipe depends on timing. Either way the error must say where the certificate goes.
 */
class ClientCertificateRequestsTest {
  private static final RegistrySecurity SECURITY =
      new RegistrySecurity(
          Set.of(), Set.of(), false, Set.of(), List.of(Path.of("/etc/docker/certs.d")), Map.of());

  @Test
  void aRequestTheKeyManagerCouldNotMeetIsRecordedForItsHostOnly() {
    X509ExtendedKeyManager keys = ClientCertificateRequests.recording("Asked.example:5000", null);
    assertFalse(ClientCertificateRequests.askedBy("asked.example:5000"));
    assertEquals(null, keys.chooseClientAlias(new String[] {"EC"}, null, null));
    assertTrue(ClientCertificateRequests.askedBy("asked.example:5000"));
    assertFalse(ClientCertificateRequests.askedBy("other.example:5000"));
  }

  @Test
  void aBrokenPipeAfterAnUnmetRequestNamesTheClientCertificateFiles() {
    String host = "mutual.example:5443";
    ClientCertificateRequests.recording(host, null)
        .chooseClientAlias(new String[] {"EC"}, null, null);
    IOException e = assertThrows(IOException.class, () -> ping(host));
    assertTrue(e.getMessage().contains("asks for a client certificate"), e.getMessage());
    assertTrue(
        e.getMessage().contains("/etc/docker/certs.d/" + host + "/client.cert"), e.getMessage());
  }

  @Test
  void aBrokenPipeFromAHostThatAskedForNothingStaysWhatItIs() {
    IOException e = assertThrows(IOException.class, () -> ping("plain.example:5443"));
    assertEquals("Broken pipe", e.getMessage());
  }

  private static void ping(String host) throws IOException {
    SchemeInterceptor interceptor = new SchemeInterceptor(SECURITY, new PingResults());
    RegistryRequest request =
        new RegistryRequest(
            "GET",
            URI.create("https://" + host + "/v2/x/manifests/1"),
            null,
            null,
            host,
            null,
            true,
            0);
    interceptor.intercept(
        new Interceptor.Chain() {
          @Override
          public RegistryRequest request() {
            return request;
          }

          @Override
          public RegistryResponse proceed(RegistryRequest r) throws IOException {
            throw new SocketException("Broken pipe");
          }
        });
  }
}
