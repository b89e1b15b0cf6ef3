package dev.kiln.registry.transport;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Builds the SSL contexts {@link RegistrySecurity} asks for. Extra CAs are added to the JDK's
 * trusted roots rather than replacing them, so that a registry with a private CA can still redirect
 * blob downloads to public storage.
 */
final class TlsContexts {
  private TlsContexts() {}

  static SSLContext trusting(List<X509Certificate> extraCas) throws GeneralSecurityException {
    if (extraCas.isEmpty()) {
      return SSLContext.getDefault();
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
    context.init(null, tmf.getTrustManagers(), new SecureRandom());
    return context;
  }

  /** For registries the user marked insecure: any certificate is accepted. */
  static SSLContext trustingAnything() throws GeneralSecurityException {
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
    context.init(null, new TrustManager[] {all}, new SecureRandom());
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
