package dev.kiln.registry.transport;

import java.io.IOException;
import java.net.IDN;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The proxy settings of the environment, read and applied by the rules of Go's {@code
 * net/http.ProxyFromEnvironment}, which docker, skopeo, podman and buildah use, so that one set of
 * variables means the same thing to kiln as to them:
 *
 * <ul>
 *   <li>{@code HTTPS_PROXY} is used for {@code https} URLs and {@code HTTP_PROXY} for {@code http}
 *       URLs (no fallback from one to the other); each upper-case name is asked first, then its
 *       lower-case form ({@code https_proxy}, {@code http_proxy}, {@code no_proxy}); an empty value
 *       counts as unset.
 *   <li>A value is a URL ({@code http://user:password@proxy:3128}) or {@code host[:port]}, which
 *       means {@code http://}; the port defaults to 80. kiln speaks to {@code http://} proxies
 *       only; another scheme is an error that names the variable.
 *   <li>{@code localhost} and loopback IP addresses are never proxied, whatever {@code NO_PROXY}
 *       says; a name that merely resolves to a loopback address is.
 *   <li>{@code NO_PROXY} is a comma-separated list: {@code *} (no proxy at all), an IP address
 *       ({@code 10.1.2.3}, {@code [::1]:5000}) or a CIDR range ({@code 10.0.0.0/8}) matching IP
 *       literals only, or a domain that matches itself and its subdomains ({@code example.com}), or
 *       only its subdomains with a leading {@code .} or {@code *.}; an entry with a port matches
 *       that port only. Names are compared without DNS.
 *   <li>When {@code REQUEST_METHOD} is set (a CGI program, where a request header may have set
 *       {@code HTTP_PROXY}), {@code HTTP_PROXY} is refused.
 * </ul>
 *
 * <p>When none of the variables is set, {@link #isEmpty()} is true and the transport falls back to
 * the JVM's own proxy settings ({@code -Dhttps.proxyHost} and friends).
 *
 * @param httpProxy the value for {@code http} URLs, or null
 * @param httpProxyVariable the variable it came from, for messages
 * @param httpsProxy the value for {@code https} URLs, or null
 * @param httpsProxyVariable the variable it came from
 * @param noProxy the {@code NO_PROXY} list, or null
 * @param cgi whether this process runs as a CGI program
 */
public record ProxySettings(
    String httpProxy,
    String httpProxyVariable,
    String httpsProxy,
    String httpsProxyVariable,
    String noProxy,
    boolean cgi) {

  /** No proxy variables: the JVM's settings apply. */
  public static final ProxySettings NONE = new ProxySettings(null, null, null, null, null, false);

  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

  /** A proxy to send a request through. */
  public record Endpoint(String host, int port, String username, String password, String variable) {
    /** Whether the proxy URL carried a user name (and so credentials to send). */
    public boolean hasCredentials() {
      return username != null;
    }

    @Override
    public String toString() {
      return "proxy " + host + ":" + port + " (" + variable + ")";
    }
  }

  /** The settings in {@code env}, as Go reads them. */
  public static ProxySettings fromEnvironment(Map<String, String> env) {
    String[] http = firstSet(env, "HTTP_PROXY", "http_proxy");
    String[] https = firstSet(env, "HTTPS_PROXY", "https_proxy");
    String[] no = firstSet(env, "NO_PROXY", "no_proxy");
    String method = env.get("REQUEST_METHOD");
    return new ProxySettings(
        http[1], http[0], https[1], https[0], no[1], method != null && !method.isEmpty());
  }

  private static String[] firstSet(Map<String, String> env, String upper, String lower) {
    for (String name : new String[] {upper, lower}) {
      String value = env.get(name);
      if (value != null && !value.isEmpty()) {
        return new String[] {name, value};
      }
    }
    return new String[] {null, null};
  }

  /** Whether no proxy variable is set at all. */
  public boolean isEmpty() {
    return httpProxy == null && httpsProxy == null && noProxy == null;
  }

  /**
   * The proxy for {@code target}, or empty to connect directly.
   *
   * @throws ProxyConfigurationException if the variable that applies cannot be used
   */
  public Optional<Endpoint> proxyFor(URI target) {
    String scheme = target.getScheme() == null ? "" : target.getScheme().toLowerCase(Locale.ROOT);
    String value;
    String variable;
    if (scheme.equals("https")) {
      value = httpsProxy;
      variable = httpsProxyVariable;
    } else if (scheme.equals("http")) {
      value = httpProxy;
      variable = httpProxyVariable;
      if (value != null && cgi) {
        throw new ProxyConfigurationException(
            "refusing to use "
                + variable
                + " while REQUEST_METHOD is set: in a CGI program a client can set it through a"
                + " request header",
            "unset REQUEST_METHOD, or use HTTPS_PROXY");
      }
    } else {
      return Optional.empty();
    }
    if (value == null) {
      return Optional.empty();
    }
    String host = target.getHost();
    if (host == null) {
      return Optional.empty();
    }
    int port = target.getPort() >= 0 ? target.getPort() : (scheme.equals("https") ? 443 : 80);
    if (!useProxy(host, port)) {
      return Optional.empty();
    }
    return Optional.of(parse(value, variable));
  }

  /**
   * Whether a request to {@code host:port} goes through a proxy, by the loopback and {@code
   * NO_PROXY} rules (whether a proxy is set for its scheme is not asked).
   */
  public boolean useProxy(String host, int port) {
    String h = unbracket(host.toLowerCase(Locale.ROOT));
    if (h.equals("localhost")) {
      return false;
    }
    byte[] ip = ipLiteral(h);
    if (ip != null && isLoopback(ip)) {
      return false;
    }
    if (noProxy == null) {
      return true;
    }
    String ascii = toAscii(h);
    for (String raw : noProxy.split(",")) {
      String entry = raw.trim().toLowerCase(Locale.ROOT);
      if (entry.isEmpty()) {
        continue;
      }
      if (entry.equals("*")) {
        return false;
      }
      if (matches(entry, ascii, ip, port)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(String entry, String host, byte[] ip, int port) {
    int slash = entry.indexOf('/');
    if (slash > 0) {
      byte[] network = ipLiteral(entry.substring(0, slash));
      if (network != null) {
        int bits;
        try {
          bits = Integer.parseInt(entry.substring(slash + 1));
        } catch (NumberFormatException e) {
          return false; // malformed: ignored, as Go does
        }
        return ip != null && inRange(ip, network, bits);
      }
    }
    String entryHost = entry;
    String entryPort = null;
    int colon = hostPortSplit(entry);
    if (colon >= 0) {
      entryHost = entry.substring(0, colon);
      entryPort = entry.substring(colon + 1);
    }
    entryHost = unbracket(entryHost);
    if (entryHost.isEmpty()) {
      return false;
    }
    boolean portMatches = entryPort == null || entryPort.equals(Integer.toString(port));
    byte[] entryIp = ipLiteral(entryHost);
    if (entryIp != null) {
      return ip != null && java.util.Arrays.equals(ip, entryIp) && portMatches;
    }
    boolean subdomainsOnly = entryHost.startsWith(".") || entryHost.startsWith("*.");
    String domain = toAscii(entryHost.startsWith("*.") ? entryHost.substring(2) : entryHost);
    if (domain.startsWith(".")) {
      domain = domain.substring(1);
    }
    boolean nameMatches = host.endsWith("." + domain) || (!subdomainsOnly && host.equals(domain));
    return nameMatches && portMatches;
  }

  /** Index of the colon before a port in {@code host:port} or {@code [v6]:port}, else -1. */
  private static int hostPortSplit(String s) {
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      return end > 0 && end + 1 < s.length() && s.charAt(end + 1) == ':' ? end + 1 : -1;
    }
    int colon = s.lastIndexOf(':');
    return colon >= 0 && s.indexOf(':') == colon ? colon : -1;
  }

  private static String unbracket(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }

  private static String toAscii(String name) {
    try {
      return IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return name;
    }
  }

  /** The address of an IPv4 or IPv6 literal, or null for a name (no DNS lookup). */
  static byte[] ipLiteral(String text) {
    String s = unbracket(text);
    boolean v4 = IPV4.matcher(s).matches();
    boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9a-fA-F:.]+");
    if (!v4 && !v6) {
      return null;
    }
    if (v4) {
      for (String part : s.split("\\.")) {
        if (Integer.parseInt(part) > 255) {
          return null;
        }
      }
    }
    try {
      // A literal is parsed without any lookup.
      byte[] bytes = InetAddress.getByName(s).getAddress();
      if (bytes.length == 16 && isV4Mapped(bytes)) {
        return java.util.Arrays.copyOfRange(bytes, 12, 16);
      }
      return bytes;
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isV4Mapped(byte[] b) {
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) {
        return false;
      }
    }
    return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
  }

  private static boolean isLoopback(byte[] ip) {
    if (ip.length == 4) {
      return (ip[0] & 0xff) == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (ip[i] != 0) {
        return false;
      }
    }
    return ip[15] == 1;
  }

  static boolean inRange(byte[] ip, byte[] network, int bits) {
    if (ip.length != network.length || bits < 0 || bits > ip.length * 8) {
      return false;
    }
    for (int i = 0; i < bits; i++) {
      int mask = 0x80 >> (i % 8);
      if ((ip[i / 8] & mask) != (network[i / 8] & mask)) {
        return false;
      }
    }
    return true;
  }

  /** A proxy value as Go reads it: a URL, or {@code host[:port]} meaning {@code http://}. */
  static Endpoint parse(String value, String variable) {
    String text = value.trim();
    if (!text.contains("://")) {
      text = "http://" + text;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw invalid(value, variable, e.getMessage());
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http")) {
      throw new ProxyConfigurationException(
          variable
              + "="
              + redacted(value)
              + " uses a "
              + scheme
              + ":// proxy; kiln speaks to http:// proxies only (HTTPS through them is tunnelled"
              + " with CONNECT)",
          "point " + variable + " at the proxy's http:// address");
    }
    if (uri.getHost() == null) {
      throw invalid(value, variable, "no host");
    }
    String username = null;
    String password = null;
    if (uri.getRawUserInfo() != null) {
      String info = uri.getRawUserInfo();
      int colon = info.indexOf(':');
      username = decode(colon < 0 ? info : info.substring(0, colon));
      password = colon < 0 ? "" : decode(info.substring(colon + 1));
    }
    return new Endpoint(
        unbracket(uri.getHost()),
        uri.getPort() >= 0 ? uri.getPort() : 80,
        username,
        password,
        variable);
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static ProxyConfigurationException invalid(String value, String variable, String why) {
    return new ProxyConfigurationException(
        variable + "=" + redacted(value) + " is not a proxy address (" + why + ")",
        "set " + variable + " to http://HOST:PORT, or to HOST:PORT");
  }

  /** The value with any password hidden, for messages. */
  static String redacted(String value) {
    int scheme = value.indexOf("://");
    int start = scheme < 0 ? 0 : scheme + 3;
    int at = value.indexOf('@', start);
    if (at < 0) {
      return value;
    }
    int colon = value.indexOf(':', start);
    return colon >= 0 && colon < at
        ? value.substring(0, colon + 1) + "***" + value.substring(at)
        : value;
  }

  /** These settings as a JDK {@link ProxySelector} (for {@code java.net.http}). */
  public ProxySelector asProxySelector() {
    ProxySettings settings = this;
    ProxySelector fallback = ProxySelector.getDefault();
    return new ProxySelector() {
      @Override
      public List<Proxy> select(URI uri) {
        if (settings.isEmpty()) {
          return fallback == null ? List.of(Proxy.NO_PROXY) : fallback.select(uri);
        }
        Optional<Endpoint> proxy = settings.proxyFor(uri);
        List<Proxy> out = new ArrayList<>();
        out.add(
            proxy.isEmpty()
                ? Proxy.NO_PROXY
                : new Proxy(
                    Proxy.Type.HTTP,
                    InetSocketAddress.createUnresolved(proxy.get().host(), proxy.get().port())));
        return out;
      }

      @Override
      public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {}
    };
  }
}
