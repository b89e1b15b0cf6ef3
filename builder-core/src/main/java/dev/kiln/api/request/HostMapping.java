package dev.kiln.api.request;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * One {@code --add-host}: a line {@code address host} added to every RUN step's {@code /etc/hosts}.
 *
 * @param host the name, as written
 * @param address an IPv4 or IPv6 address, without brackets
 */
public record HostMapping(String host, String address) {
  /**
   * The special address buildx's docker driver resolves to the host. kiln's RUN steps share the
   * host's network namespace (unless {@code --network=none}), so the host is its loopback address.
   */
  public static final String HOST_GATEWAY = "host-gateway";

  private static final String GATEWAY_ADDRESS = "127.0.0.1";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
              + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");

  public HostMapping {
    if (!NAME.matcher(host).matches()) {
      throw new RequestException(
          "--add-host: invalid host name '" + host + "'",
          "use letters, digits, '.', '-' and '_', e.g. --add-host db.local:10.0.0.5");
    }
    if (!isAddress(address)) {
      throw new RequestException(
          "--add-host " + host + ": '" + address + "' is not an IP address",
          "give an IPv4 or IPv6 address, or host-gateway, e.g. --add-host " + host + ":10.0.0.5");
    }
  }

  /**
   * Parses buildx's {@code HOST:IP} or {@code HOST=IP} (the latter, or brackets, for IPv6: {@code
   * HOST=::1}, {@code HOST:[::1]}); {@code host-gateway} as IP means the host. The name is
   * lower-cased, as BuildKit does.
   */
  public static HostMapping parse(String text) {
    int eq = text.indexOf('=');
    int sep = eq >= 0 ? eq : text.indexOf(':');
    if (sep <= 0 || sep == text.length() - 1) {
      throw new RequestException(
          "--add-host " + text + ": expected HOST:IP",
          "e.g. --add-host db.local:10.0.0.5, --add-host db.local=::1 or"
              + " --add-host host.docker.internal:host-gateway");
    }
    // Lower-cased as BuildKit's frontend does with the mapping it is handed.
    String host = text.substring(0, sep).toLowerCase(java.util.Locale.ROOT);
    String address = text.substring(sep + 1);
    if (address.startsWith("[") && address.endsWith("]")) {
      address = address.substring(1, address.length() - 1);
    }
    return new HostMapping(host, address.equals(HOST_GATEWAY) ? GATEWAY_ADDRESS : address);
  }

  private static boolean isAddress(String address) {
    if (IPV4.matcher(address).matches()) {
      return true;
    }
    if (address.indexOf(':') < 0 || !address.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+")) {
      return false;
    }
    try {
      // A string with ':' is only ever read as an IPv6 literal: no name is looked up.
      return InetAddress.getByName(address) instanceof java.net.Inet6Address;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
