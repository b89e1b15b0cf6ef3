package dev.kiln.core.sandbox;

import java.util.List;

/**
 * The {@code /etc/hosts} a step sees: localhost (IPv4 and IPv6) with the step's host name on the
 * IPv4 line, as BuildKit writes it, then any {@code --add-host} entries.
 */
final class HostsFile {
  private HostsFile() {}

  static String render(String hostname, List<HostEntry> extraHosts) {
    StringBuilder out = new StringBuilder();
    out.append("127.0.0.1\tlocalhost ").append(hostname).append('\n');
    out.append("::1\tlocalhost ip6-localhost ip6-loopback\n");
    for (HostEntry entry : extraHosts) {
      out.append(entry.address()).append('\t').append(entry.hostname()).append('\n');
    }
    return out.toString();
  }
}
