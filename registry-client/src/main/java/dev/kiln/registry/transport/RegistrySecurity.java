package dev.kiln.registry.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How much to trust the connection to each registry.
 *
 * <ul>
 *   <li>HTTPS with the JDK's trusted CAs is the default.
 *   <li>Extra CA certificates for a registry, and client certificates to show it, come from the
 *       first {@code <certsDir>/<host:port>/} or {@code <certsDir>/<host>/} directory that exists,
 *       trying each of {@code certsDirs} in order (Docker's {@code certs.d} layout, see {@link
 *       HostCertificates}; kiln's own is {@code ~/.config/kiln/certs.d}), and from the API; CAs are
 *       trusted in addition to the JDK's.
 *   <li>Plain HTTP and unverified certificates are allowed only for registries the user names as
 *       insecure, and for {@code localhost} and {@code 127.0.0.0/8} unless that is switched off.
 *   <li>Registries listed as plain-HTTP are spoken to over HTTP without trying HTTPS first (like
 *       BuildKit's {@code http = true}); they count as insecure.
 *   <li>Credentials are never sent over plain HTTP, even to an insecure registry, unless the user
 *       allows it for that host.
 * </ul>
 *
 * <p>Host entries may be {@code host} (any port), {@code host:port}, or (for insecure registries,
 * as in Docker's {@code insecure-registries}) a CIDR range such as {@code 10.0.0.0/8}.
 *
 * @param plainHttpRegistries registries known to serve plain HTTP only
 * @param certsDirs {@code certs.d} directories, searched in order
 * @param extraCaCertificates host[:port] → CA certificates given through the API
 */
public record RegistrySecurity(
    Set<String> insecureRegistries,
    Set<String> plainHttpRegistries,
    boolean loopbackIsInsecure,
    Set<String> plainHttpCredentialHosts,
    List<Path> certsDirs,
    Map<String, List<X509Certificate>> extraCaCertificates) {

  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");

  public RegistrySecurity {
    insecureRegistries = lower(insecureRegistries);
    plainHttpRegistries = lower(plainHttpRegistries);
    plainHttpCredentialHosts = lower(plainHttpCredentialHosts);
    extraCaCertificates = extraCaCertificates == null ? Map.of() : Map.copyOf(extraCaCertificates);
    certsDirs = certsDirs == null ? List.of() : List.copyOf(certsDirs);
  }

  private static Set<String> lower(Set<String> hosts) {
    if (hosts == null) {
      return Set.of();
    }
    return Set.copyOf(hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList());
  }

  /** HTTPS only, loopback insecure, kiln's certs.d under the user's home. */
  public static RegistrySecurity defaults() {
    return new RegistrySecurity(
        Set.of(),
        Set.of(),
        true,
        Set.of(),
        List.of(Path.of(System.getProperty("user.home"), ".config", "kiln", "certs.d")),
        Map.of());
  }

  /** This policy reading {@code certs.d} directories from {@code dirs}, in order. */
  public RegistrySecurity withCertsDirs(List<Path> dirs) {
    return new RegistrySecurity(
        insecureRegistries,
        plainHttpRegistries,
        loopbackIsInsecure,
        plainHttpCredentialHosts,
        dirs,
        extraCaCertificates);
  }

  /** Whether plain HTTP and unverified TLS are acceptable for {@code hostPort}. */
  public boolean isInsecure(String hostPort) {
    return listed(insecureRegistries, hostPort)
        || listed(plainHttpRegistries, hostPort)
        || (loopbackIsInsecure && isLoopback(hostPort));
  }

  /** Whether {@code hostPort} is known to speak plain HTTP only (no HTTPS attempt). */
  public boolean isPlainHttp(String hostPort) {
    return listed(plainHttpRegistries, hostPort);
  }

  /** This policy with {@code hostPort} added to the insecure registries (like Docker's flag). */
  public RegistrySecurity withInsecure(String hostPort) {
    Set<String> more = new java.util.HashSet<>(insecureRegistries);
    more.add(hostPort);
    return new RegistrySecurity(
        more,
        plainHttpRegistries,
        loopbackIsInsecure,
        plainHttpCredentialHosts,
        certsDirs,
        extraCaCertificates);
  }

  /** This policy with {@code hostPort} added to the plain-HTTP registries. */
  public RegistrySecurity withPlainHttp(String hostPort) {
    Set<String> more = new java.util.HashSet<>(plainHttpRegistries);
    more.add(hostPort);
    return new RegistrySecurity(
        insecureRegistries,
        more,
        loopbackIsInsecure,
        plainHttpCredentialHosts,
        certsDirs,
        extraCaCertificates);
  }

  /** This policy allowing credentials over plain HTTP to {@code hostPort} too. */
  public RegistrySecurity withPlainHttpCredentials(String hostPort) {
    Set<String> more = new java.util.HashSet<>(plainHttpCredentialHosts);
    more.add(hostPort);
    return new RegistrySecurity(
        insecureRegistries,
        plainHttpRegistries,
        loopbackIsInsecure,
        more,
        certsDirs,
        extraCaCertificates);
  }

  /** Whether credentials may travel to {@code hostPort} over plain HTTP. */
  public boolean allowsCredentialsOverPlainHttp(String hostPort) {
    return listed(plainHttpCredentialHosts, hostPort);
  }

  /**
   * The certificates for {@code hostPort}: those given through the API, plus the contents of the
   * first of {@code <dir>/<host:port>/}, {@code <dir>/<host>/} that exists, for each of {@link
   * #certsDirs} in order (as podman and skopeo, the first directory found is the only one read).
   *
   * @throws IOException if that directory cannot be read, or pairs a certificate with no key
   */
  public HostCertificates certificatesFor(String hostPort) throws IOException {
    String key = hostPort.toLowerCase(Locale.ROOT);
    String host = hostOnly(key);
    List<X509Certificate> api = new ArrayList<>(extraCaCertificates.getOrDefault(key, List.of()));
    if (!host.equals(key)) {
      api.addAll(extraCaCertificates.getOrDefault(host, List.of()));
    }
    for (Path base : certsDirs) {
      for (String name : host.equals(key) ? List.of(key) : List.of(key, host)) {
        Path dir = base.resolve(name);
        if (Files.isDirectory(dir)) {
          return HostCertificates.read(dir).withAuthorities(api);
        }
      }
    }
    return HostCertificates.NONE.withAuthorities(api);
  }

  /**
   * The CA certificates to trust for {@code hostPort} beyond the JDK's (see {@link
   * #certificatesFor}).
   */
  public List<X509Certificate> caCertificatesFor(String hostPort) throws IOException {
    return certificatesFor(hostPort).authorities();
  }

  /** Where a CA certificate for {@code hostPort} may go, for messages: each certs.d, in order. */
  public String certificateLocations(String hostPort, String file) {
    if (certsDirs.isEmpty()) {
      return "(no certs.d directory is configured)";
    }
    List<String> places = new ArrayList<>();
    for (Path dir : certsDirs) {
      places.add(dir.resolve(hostPort).resolve(file).toString());
    }
    return String.join(" or ", places);
  }

  /** Reads every certificate in every {@code *.crt} file of {@code dir} (absent dir: none). */
  public static List<X509Certificate> readCrtFiles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<X509Certificate> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.crt")) {
      for (Path file : files) {
        out.addAll(readPem(file));
      }
    }
    return out;
  }

  /** Reads the X.509 certificates in a PEM (or DER) file. */
  public static List<X509Certificate> readPem(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      return out;
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot read CA certificate " + file + ": " + e.getMessage(), e);
    }
  }

  private static boolean listed(Set<String> hosts, String hostPort) {
    String key = hostPort.toLowerCase(Locale.ROOT);
    if (hosts.contains(key) || hosts.contains(hostOnly(key))) {
      return true;
    }
    for (String entry : hosts) {
      if (entry.indexOf('/') > 0 && inCidr(entry, hostOnly(key))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code host} is in the CIDR range {@code cidr} (Docker's {@code insecure-registries}
   * allows ranges): an IP literal directly, a name by the addresses it resolves to, as dockerd
   * does.
   */
  private static boolean inCidr(String cidr, String host) {
    int slash = cidr.indexOf('/');
    byte[] network = ProxySettings.ipLiteral(cidr.substring(0, slash));
    int bits;
    try {
      bits = Integer.parseInt(cidr.substring(slash + 1));
    } catch (NumberFormatException e) {
      return false;
    }
    if (network == null) {
      return false;
    }
    byte[] literal = ProxySettings.ipLiteral(host);
    if (literal != null) {
      return ProxySettings.inRange(literal, network, bits);
    }
    try {
      for (java.net.InetAddress a : java.net.InetAddress.getAllByName(host)) {
        if (ProxySettings.inRange(a.getAddress(), network, bits)) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  /** {@code localhost}, {@code 127.0.0.0/8} or {@code ::1}, by name only (no DNS lookup). */
  public static boolean isLoopback(String hostPort) {
    String host = hostOnly(hostPort.toLowerCase(Locale.ROOT));
    return host.equals("localhost")
        || host.endsWith(".localhost")
        || IPV4_LOOPBACK.matcher(host).matches()
        || host.equals("[::1]")
        || host.equals("::1");
  }

  /** {@code host:port} → {@code host}; {@code [::1]:5000} → {@code [::1]}. */
  static String hostOnly(String hostPort) {
    if (hostPort.startsWith("[")) {
      int end = hostPort.indexOf(']');
      return end < 0 ? hostPort : hostPort.substring(0, end + 1);
    }
    int colon = hostPort.lastIndexOf(':');
    return colon < 0 || hostPort.indexOf(':') != colon ? hostPort : hostPort.substring(0, colon);
  }
}
