package dev.kiln.registry.transport;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * Says why kiln could not talk to a registry at all, in words a person can act on: nothing listens
 * at the host and port, the name does not resolve, the connection timed out. HTTP clients word
 * these differently (Apache's {@code Connect to host:port [/1.2.3.4] failed: Connection refused});
 * this keeps the system's reason and adds what to check.
 */
public final class ConnectionFailures {
  private ConnectionFailures() {}

  /** A sentence for {@code e}, or its own message when it is not a connection failure. */
  public static String describe(IOException e) {
    String message = e.getMessage();
    if (e instanceof UnknownHostException) {
      String host = message == null ? "" : message;
      int colon = host.indexOf(": ");
      String reason = colon > 0 ? " (" + host.substring(colon + 2) + ")" : "";
      return "unknown host "
          + (colon > 0 ? host.substring(0, colon) : host)
          + reason
          + "; check the registry's name and this machine's DNS";
    }
    if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
      return "cannot connect: "
          + systemReason(message)
          + "; check that the registry is running and that its host and port are right";
    }
    boolean connectTimeout =
        e.getClass().getName().endsWith("ConnectTimeoutException")
            || (e instanceof SocketTimeoutException
                && message != null
                && message.toLowerCase(Locale.ROOT).contains("connect timed out"));
    if (connectTimeout) {
      return "cannot connect: timed out; check that the registry is up and reachable from this"
          + " machine (a proxy, a firewall)";
    }
    return message == null ? e.getClass().getSimpleName() : message;
  }

  /** The system's words at the end of a client's message: {@code … failed: Connection refused}. */
  private static String systemReason(String message) {
    if (message == null || message.isBlank()) {
      return "connection failed";
    }
    int failed = message.lastIndexOf("failed: ");
    return failed >= 0 ? message.substring(failed + "failed: ".length()) : message;
  }
}
