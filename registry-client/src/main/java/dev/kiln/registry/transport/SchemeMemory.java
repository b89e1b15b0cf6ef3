package dev.kiln.registry.transport;

/**
 * Which insecure registries turned out to speak plain HTTP, remembered beyond one client: a
 * registry on a loopback port that serves plain HTTP would otherwise cost every new process a
 * failed TLS handshake (and the set-up of TLS) before its first request. A remembered registry is
 * tried over plain HTTP first, and over HTTPS when that fails; only registries plain HTTP is
 * allowed for ({@link RegistrySecurity#isInsecure}) are ever asked about.
 */
public interface SchemeMemory {
  /** Whether {@code hostPort} answered over plain HTTP last time. */
  boolean plainHttp(String hostPort);

  /** Records the scheme ({@code http} or {@code https}) {@code hostPort} answered over now. */
  void answered(String hostPort, String scheme);

  /** Remembers nothing: every client tries HTTPS first. */
  SchemeMemory NONE =
      new SchemeMemory() {
        @Override
        public boolean plainHttp(String hostPort) {
          return false;
        }

        @Override
        public void answered(String hostPort, String scheme) {}
      };
}
