package dev.kiln.core.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code /etc/resolv.conf} a step sees, derived from the host's. A step on the host network
 * gets the host's file as is: its resolvers, loopback ones included, are reachable. A step in its
 * own network namespace cannot reach a loopback resolver (systemd-resolved's 127.0.0.53, dnsmasq),
 * so those lines are dropped and, when no resolver is left, public ones are used, as Docker does.
 */
final class ResolvConf {
  static final List<String> FALLBACK_NAMESERVERS = List.of("8.8.8.8", "8.8.4.4");

  private ResolvConf() {}

  static String render(String hostResolvConf, NetworkMode network) {
    if (network.sharesHostNetwork()) {
      return hostResolvConf;
    }
    List<String> kept = new ArrayList<>();
    boolean hasNameserver = false;
    for (String line : hostResolvConf.split("\n", -1)) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 2 && fields[0].equals("nameserver")) {
        if (isLoopback(fields[1])) {
          continue;
        }
        hasNameserver = true;
      }
      kept.add(line);
    }
    StringBuilder out = new StringBuilder(String.join("\n", kept));
    if (!hasNameserver) {
      if (out.length() > 0 && out.charAt(out.length() - 1) != '\n') {
        out.append('\n');
      }
      for (String server : FALLBACK_NAMESERVERS) {
        out.append("nameserver ").append(server).append('\n');
      }
    }
    return out.toString();
  }

  private static boolean isLoopback(String address) {
    String bare = address.contains("%") ? address.substring(0, address.indexOf('%')) : address;
    return bare.startsWith("127.") || bare.equals("::1") || bare.equals("0:0:0:0:0:0:0:1");
  }
}
