package dev.kiln.core.fetch;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import javax.net.ssl.SSLException;

/**
 * Says why a URL could not be downloaded. The JDK's HTTP client reports a refused connection as a
 * {@link ConnectException} with no message (its cause is a bare {@code ClosedChannelException}), so
 * for that case a plain socket connects once more to learn the system's reason (connection refused,
 * no route to host) instead of printing {@code java.net.ConnectException}.
 */
final class DownloadFailures {
  private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

  private DownloadFailures() {}

  /**
   * Why {@code uri} could not be fetched, e.g. {@code cannot connect to h:80: Connection refused}.
   */
  static String describe(URI uri, IOException e) {
    String host = uri.getHost() == null ? String.valueOf(uri.getAuthority()) : uri.getHost();
    int port = port(uri);
    if (hasCause(e, UnresolvedAddressException.class) || e instanceof UnknownHostException) {
      return "unknown host " + host;
    }
    if (e instanceof HttpConnectTimeoutException) {
      return "cannot connect to " + host + ":" + port + ": timed out";
    }
    if (e instanceof HttpTimeoutException) {
      return "the server at " + host + ":" + port + " did not answer in time";
    }
    if (e instanceof ConnectException) {
      String reason = e.getMessage() != null ? e.getMessage() : probe(host, port);
      return "cannot connect to " + host + ":" + port + ": " + reason;
    }
    if (e instanceof SSLException) {
      return "TLS with " + host + ":" + port + " failed: " + e.getMessage();
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The system's reason a connection to {@code host:port} fails now. */
  private static String probe(String host, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) PROBE_TIMEOUT.toMillis());
      return "the connection failed (it works now: the server may have been restarting)";
    } catch (IOException probe) {
      return probe.getMessage() == null ? probe.getClass().getSimpleName() : probe.getMessage();
    }
  }
}
