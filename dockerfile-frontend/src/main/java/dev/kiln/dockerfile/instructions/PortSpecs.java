package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * EXPOSE port specs ({@code [ip:[hostPort]:]port[-end][/proto]}) to image config port keys ({@code
 * 80/tcp}). Host IP and host port parts are checked and then ignored, as BuildKit does.
 */
public final class PortSpecs {
  private PortSpecs() {}

  /** All keys of {@code specs}, in order, ranges expanded. */
  public static List<String> parsePorts(List<String> specs) {
    List<String> out = new ArrayList<>();
    for (String s : specs) {
      out.addAll(parsePort(s));
    }
    return out;
  }

  /** The keys of one spec. */
  public static List<String> parsePort(String raw) {
    String[] parts = raw.split(":", -1);
    int n = parts.length;
    String container = parts[n - 1];
    String host = "";
    String ip = "";
    if (n == 2) {
      host = parts[0];
    } else if (n == 3) {
      ip = parts[0];
      host = parts[1];
    } else if (n > 3) {
      ip = String.join(":", java.util.Arrays.asList(parts).subList(0, n - 2));
      host = parts[n - 2];
    }
    String proto;
    String port;
    String[] pp = container.split("/", -1);
    if (container.isEmpty() || pp[0].isEmpty()) {
      proto = "";
      port = "";
    } else if (pp.length == 1) {
      proto = "tcp";
      port = container;
    } else if (pp[1].isEmpty()) {
      proto = "tcp";
      port = pp[0];
    } else {
      proto = pp[1];
      port = pp[0];
    }
    if (!ip.isEmpty() && ip.charAt(0) == '[') {
      int close = ip.indexOf(']');
      if (close < 0 || close != ip.length() - 1) {
        throw new DockerfileException("invalid IP address " + ip);
      }
      ip = ip.substring(1, close);
    }
    if (!ip.isEmpty() && !IpAddresses.isValid(ip)) {
      throw new DockerfileException("invalid IP address: " + ip);
    }
    if (port.isEmpty()) {
      throw new DockerfileException(
          "invalid port: \"" + raw + "\": no port specified", "write EXPOSE <port>[/<protocol>]");
    }
    long[] range = range(port);
    if (range == null) {
      throw new DockerfileException("invalid containerPort: " + port);
    }
    if (!host.isEmpty()) {
      long[] hostRange = range(host);
      if (hostRange == null) {
        throw new DockerfileException("invalid hostPort: " + host);
      }
      if (range[1] - range[0] != hostRange[1] - hostRange[0] && range[1] != range[0]) {
        throw new DockerfileException(
            "invalid ranges specified for container and host Ports: " + port + " and " + host);
      }
    }
    String p = proto.toLowerCase(Locale.ROOT);
    if (!p.equals("tcp") && !p.equals("udp") && !p.equals("sctp")) {
      throw new DockerfileException("invalid proto: " + proto, "use tcp, udp or sctp");
    }
    List<String> out = new ArrayList<>();
    for (long i = range[0]; i <= range[1]; i++) {
      out.add(i + "/" + p);
    }
    return out;
  }

  private static long[] range(String s) {
    int dash = s.indexOf('-');
    if (dash < 0) {
      long v = port(s);
      return v < 0 ? null : new long[] {v, v};
    }
    long a = port(s.substring(0, dash));
    long b = port(s.substring(dash + 1));
    if (a < 0 || b < 0 || b < a) {
      return null;
    }
    return new long[] {a, b};
  }

  private static long port(String s) {
    if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return -1;
    }
    long v = Long.parseLong(s);
    return v > 65535 ? -1 : v;
  }
}
