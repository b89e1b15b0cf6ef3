package dev.kiln.registry.transport;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * Which I/O failures are worth retrying: resets, timeouts, truncated bodies, stale pooled
 * connections and retryable registry statuses are; certificate problems, unknown hosts, protocol
 * errors and interrupts are not, because sending again gives the same answer.
 */
public final class TransientFailures {
  private TransientFailures() {}

  public static boolean isTransient(IOException e) {
    if (e instanceof RegistryException r) {
      return r.retryable();
    }
    if (e instanceof SSLHandshakeException || e instanceof SSLPeerUnverifiedException) {
      return false;
    }
    if (e instanceof SSLException) {
      return e.getCause() instanceof java.net.SocketException
          || e.getCause() instanceof java.io.EOFException;
    }
    if (e instanceof UnknownHostException) {
      return false;
    }
    if (e instanceof SocketTimeoutException
        || e.getClass().getName().endsWith("ConnectTimeoutException")) {
      return true;
    }
    if (e instanceof InterruptedIOException) {
      return false;
    }
    if (e.getClass().getName().equals("org.apache.http.client.ClientProtocolException")) {
      return false;
    }
    return true;
  }
}
