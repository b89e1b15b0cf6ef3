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
 *   <li>Extra CA certificates for a registry come from {@code <certsDir>/<host[:port]>/*.crt}
 *       (Docker's {@code certs.d} layout; kiln's is {@code ~/.config/kiln/certs.d}) or from the
 *       API; they are trusted in addition to the JDK's.
 *   <li>Plain HTTP and unverified certificates are allowed only for registries the user names as
 *       insecure, and for {@code localhost} and {@code 127.0.0.0/8} unless that is switched off.
 *   <li>Registries listed as plain-HTTP are spoken to over HTTP without trying HTTPS first (like
 *       BuildKit's {@code http = true}); they count as insecure.
 *   <li>Credentials are never sent over plain HTTP, even to an insecure registry, unless the user
 *       allows it for that host.
 * </ul>
 *
 * <p>Host entries may be {@code host} (any port) or {@code host:port}.
 *
 * @param plainHttpRegistries registries known to serve plain HTTP only
 * @param extraCaCertificates host[:port] → CA certificates given through the API
 */
public record RegistrySecurity(
    Set<String> insecureRegistries,
    Set<String> plainHttpRegistries,
    boolean loopbackIsInsecure,
    Set<String> plainHttpCredentialHosts,
    Path certsDir,
    Map<String, List<X509Certificate>> extraCaCertificates) {

  private static final Pattern IPV4_LOOPBACK =
      Pattern.compile("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");

  public RegistrySecurity {
    insecureRegistries = lower(insecureRegistries);
    plainHttpRegistries = lower(plainHttpRegistries);
    plainHttpCredentialHosts = lower(plainHttpCredentialHosts);
    extraCaCertificates = extraCaCertificates == null ? Map.of() : Map.copyOf(extraCaCertificates);
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
        Path.of(System.getProperty("user.home"), ".config", "kiln", "certs.d"),
        Map.of());
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
        certsDir,
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
        certsDir,
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
        certsDir,
        extraCaCertificates);
  }

  /** Whether credentials may travel to {@code hostPort} over plain HTTP. */
  public boolean allowsCredentialsOverPlainHttp(String hostPort) {
    return listed(plainHttpCredentialHosts, hostPort);
  }

  /**
   * The CA certificates to trust for {@code hostPort} beyond the JDK's: those given through the API
   * plus every {@code *.crt} in {@code certsDir/<host:port>/} and {@code certsDir/<host>/}.
   */
  public List<X509Certificate> caCertificatesFor(String hostPort) throws IOException {
    String key = hostPort.toLowerCase(Locale.ROOT);
    List<X509Certificate> out = new ArrayList<>(extraCaCertificates.getOrDefault(key, List.of()));
    String host = hostOnly(key);
    if (!host.equals(key)) {
      out.addAll(extraCaCertificates.getOrDefault(host, List.of()));
    }
    if (certsDir != null) {
      out.addAll(readCrtFiles(certsDir.resolve(key)));
      if (!host.equals(key)) {
        out.addAll(readCrtFiles(certsDir.resolve(host)));
      }
    }
    return out;
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
    return hosts.contains(key) || hosts.contains(hostOnly(key));
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
