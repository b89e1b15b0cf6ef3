package dev.kiln.registry.transport;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the SSL contexts {@link RegistrySecurity} asks for. Extra CAs are added to the JDK's
 * trusted roots rather than replacing them, so that a registry with a private CA can still redirect
 * blob downloads to public storage.
 */
final class TlsContexts {
  private TlsContexts() {}

  /**
   * The JDK's CAs plus the host's, offering the host's client certificates when asked (and
   * recording a request for one it lacks, see {@link ClientCertificateRequests}).
   */
  static SSLContext forHost(String hostPort, HostCertificates certificates)
      throws GeneralSecurityException {
    List<X509Certificate> extraCas = certificates.authorities();
    if (extraCas.isEmpty()) {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers(hostPort, certificates.clients()), null, new SecureRandom());
      return context;
    }
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("cannot create an empty key store", e);
    }
    int i = 0;
    for (X509Certificate ca : defaultTrustManager().getAcceptedIssuers()) {
      store.setCertificateEntry("jdk-" + i++, ca);
    }
    for (X509Certificate ca : extraCas) {
      store.setCertificateEntry("extra-" + i++, ca);
    }
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(
        keyManagers(hostPort, certificates.clients()), tmf.getTrustManagers(), new SecureRandom());
    return context;
  }

  /** A key manager offering {@code clients} (maybe none) that records requests it cannot meet. */
  private static KeyManager[] keyManagers(
      String hostPort, List<HostCertificates.ClientIdentity> clients)
      throws GeneralSecurityException {
    if (clients.isEmpty()) {
      return new KeyManager[] {ClientCertificateRequests.recording(hostPort, null)};
    }
    KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
    try {
      keys.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("cannot create an empty key store", e);
    }
    int i = 0;
    for (HostCertificates.ClientIdentity client : clients) {
      keys.setKeyEntry(
          "client-" + i++,
          client.key(),
          new char[0],
          client.chain().toArray(new java.security.cert.Certificate[0]));
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    for (KeyManager km : kmf.getKeyManagers()) {
      if (km instanceof X509ExtendedKeyManager x) {
        return new KeyManager[] {ClientCertificateRequests.recording(hostPort, x)};
      }
    }
    return kmf.getKeyManagers();
  }

  /**
   * For registries the user marked insecure: any certificate is accepted, and {@code clients}'
   * certificates are still offered (Docker reads certs.d for insecure registries too).
   */
  static SSLContext trustingAnything(String hostPort, List<HostCertificates.ClientIdentity> clients)
      throws GeneralSecurityException {
    X509TrustManager all =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keyManagers(hostPort, clients), new TrustManager[] {all}, new SecureRandom());
    return context;
  }

  private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init((KeyStore) null);
    for (TrustManager tm : tmf.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("the JDK has no X.509 trust manager");
  }
}
