package dev.kiln.registry.transport;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Remembers which registries asked, during a TLS handshake, for a client certificate kiln had none
 * for. With TLS 1.3 a server that refuses the missing certificate does so after the client has
 * finished its side of the handshake, so the client may see its alert ({@code
 * certificate_required}) or, when the server closed first, only a broken pipe or a reset: the
 * record says which it was, so the error can name the certs.d files to add either way.
 */
final class ClientCertificateRequests {
  private static final Set<String> ASKED = ConcurrentHashMap.newKeySet();

  private ClientCertificateRequests() {}

  /** Whether {@code hostPort} asked for a client certificate kiln could not show. */
  static boolean askedBy(String hostPort) {
    return ASKED.contains(hostPort.toLowerCase(Locale.ROOT));
  }

  /**
   * A key manager for {@code hostPort} that offers {@code delegate}'s certificates (none when it is
   * null) and records a request it has no certificate for.
   */
  static X509ExtendedKeyManager recording(String hostPort, X509ExtendedKeyManager delegate) {
    String key = hostPort.toLowerCase(Locale.ROOT);
    return new X509ExtendedKeyManager() {
      private String chosen(String alias) {
        if (alias == null) {
          ASKED.add(key);
        }
        return alias;
      }

      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return chosen(
            delegate == null ? null : delegate.chooseClientAlias(keyType, issuers, socket));
      }

      @Override
      public String chooseEngineClientAlias(
          String[] keyType, Principal[] issuers, SSLEngine engine) {
        return chosen(
            delegate == null ? null : delegate.chooseEngineClientAlias(keyType, issuers, engine));
      }

      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return delegate == null ? null : delegate.getClientAliases(keyType, issuers);
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return null;
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return null;
      }

      @Override
      public X509Certificate[] getCertificateChain(String alias) {
        return delegate == null ? null : delegate.getCertificateChain(alias);
      }

      @Override
      public PrivateKey getPrivateKey(String alias) {
        return delegate == null ? null : delegate.getPrivateKey(alias);
      }
    };
  }
}
