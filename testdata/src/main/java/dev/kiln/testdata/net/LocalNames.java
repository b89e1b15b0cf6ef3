package dev.kiln.testdata.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A host name for this machine that is not {@code localhost} and not an IP literal, so that code
 * treating loopback specially (kiln's insecure-by-default loopback, Go's never-proxied loopback)
 * treats it as any other host, while the test can still listen on it.
 *
 * <p>Found without changing the machine: this machine's own name when it resolves to a loopback
 * address (Debian maps it to {@code 127.0.1.1}, containers to {@code 127.0.0.1}), else another name
 * {@code /etc/hosts} gives a loopback address. If there is none, {@link #loopbackAlias()} fails and
 * says which line to add to {@code /etc/hosts}.
 */
public final class LocalNames {
  private LocalNames() {}

  /** A name and the loopback address it resolves to. */
  public record Alias(String name, InetAddress address) {}

  /** A host name, other than {@code localhost}, that resolves to a loopback address. */
  public static Alias loopbackAlias() {
    List<String> candidates = new ArrayList<>();
    try {
      candidates.add(InetAddress.getLocalHost().getHostName());
    } catch (UnknownHostException e) {
      // no name for this machine: try /etc/hosts
    }
    candidates.addAll(hostsFileNames());
    for (String name : candidates) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("localhost")
          || lower.endsWith(".localhost")
          || lower.startsWith("ip6-")
          || lower.indexOf(':') >= 0
          || lower.matches("[0-9.]+")) {
        continue;
      }
      try {
        InetAddress address = InetAddress.getByName(name);
        if (address.isLoopbackAddress() && address.getAddress().length == 4) {
          return new Alias(lower, address);
        }
      } catch (UnknownHostException e) {
        // next candidate
      }
    }
    throw new IllegalStateException(
        "no host name other than localhost resolves to a loopback address on this machine;"
            + " add a line such as `127.0.0.1 kiln-test-host` to /etc/hosts");
  }

  private static List<String> hostsFileNames() {
    List<String> names = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/etc/hosts"), StandardCharsets.UTF_8)) {
        int hash = line.indexOf('#');
        String[] fields = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
        if (fields.length >= 2 && fields[0].startsWith("127.")) {
          for (int i = 1; i < fields.length; i++) {
            names.add(fields[i]);
          }
        }
      }
    } catch (IOException e) {
      // no hosts file: no names from it
    }
    return names;
  }
}
