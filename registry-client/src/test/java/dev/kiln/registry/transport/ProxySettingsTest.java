package dev.kiln.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Proxy;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The rules of Go's {@code ProxyFromEnvironment}, case by case. */
class ProxySettingsTest {

  private static ProxySettings env(String... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i], pairs[i + 1]);
    }
    return ProxySettings.fromEnvironment(env);
  }

  private static String proxyFor(ProxySettings settings, String url) {
    return settings.proxyFor(URI.create(url)).map(e -> e.host() + ":" + e.port()).orElse("direct");
  }

  @Test
  void httpsUrlsUseHttpsProxyAndHttpUrlsUseHttpProxyWithoutFallback() {
    ProxySettings both = env("HTTPS_PROXY", "secure:3128", "HTTP_PROXY", "plain:8080");
    assertEquals("secure:3128", proxyFor(both, "https://registry.example.com/v2/"));
    assertEquals("plain:8080", proxyFor(both, "http://registry.example.com/v2/"));
    ProxySettings httpOnly = env("HTTP_PROXY", "plain:8080");
    assertEquals("direct", proxyFor(httpOnly, "https://registry.example.com/v2/"));
    ProxySettings httpsOnly = env("HTTPS_PROXY", "secure:3128");
    assertEquals("direct", proxyFor(httpsOnly, "http://registry.example.com/v2/"));
  }

  @Test
  void upperCaseWinsAndAnEmptyValueCountsAsUnset() {
    assertEquals(
        "upper:1",
        proxyFor(env("HTTPS_PROXY", "upper:1", "https_proxy", "lower:2"), "https://r.example/"));
    assertEquals(
        "lower:2",
        proxyFor(env("HTTPS_PROXY", "", "https_proxy", "lower:2"), "https://r.example/"));
    assertEquals("lower:3", proxyFor(env("http_proxy", "lower:3"), "http://r.example/"));
    ProxySettings noProxyLower = env("HTTPS_PROXY", "p:1", "NO_PROXY", "", "no_proxy", "r.example");
    assertEquals("direct", proxyFor(noProxyLower, "https://r.example/"));
  }

  @Test
  void aValueIsAUrlOrHostPortAndThePortDefaultsTo80() {
    ProxySettings.Endpoint full =
        ProxySettings.parse("http://user:p%40ss@proxy.corp:3128/", "HTTPS_PROXY");
    assertEquals("proxy.corp", full.host());
    assertEquals(3128, full.port());
    assertEquals("user", full.username());
    assertEquals("p@ss", full.password());
    assertEquals(80, ProxySettings.parse("proxy.corp", "HTTP_PROXY").port());
    assertEquals(80, ProxySettings.parse("http://proxy.corp", "HTTP_PROXY").port());
    assertFalse(ProxySettings.parse("proxy.corp:1", "HTTP_PROXY").hasCredentials());
    assertEquals("::1", ProxySettings.parse("http://[::1]:3128", "HTTP_PROXY").host());
  }

  @Test
  void otherProxySchemesAreAnErrorNamingTheVariableWithoutThePassword() {
    ProxySettings socks = env("HTTPS_PROXY", "socks5://u:secret@proxy:1080");
    ProxyConfigurationException e =
        assertThrows(
            ProxyConfigurationException.class,
            () -> socks.proxyFor(URI.create("https://r.example/")));
    assertTrue(e.getMessage().contains("HTTPS_PROXY=socks5://u:***@proxy:1080"), e.getMessage());
    assertFalse(e.getMessage().contains("secret"), e.getMessage());
    assertTrue(e.hint().contains("HTTPS_PROXY"), e.hint());
    // Only the variable that applies is read: an unused bad value does not matter.
    assertEquals("direct", proxyFor(socks, "http://r.example/"));
  }

  @Test
  void localhostAndLoopbackLiteralsAreNeverProxiedButOtherNamesAre() {
    ProxySettings all = env("HTTPS_PROXY", "p:1", "HTTP_PROXY", "p:1");
    assertEquals("direct", proxyFor(all, "https://localhost:5000/v2/"));
    assertEquals("direct", proxyFor(all, "http://LOCALHOST/"));
    assertEquals("direct", proxyFor(all, "https://127.0.0.1:5000/v2/"));
    assertEquals("direct", proxyFor(all, "https://127.1.2.3/"));
    assertEquals("direct", proxyFor(all, "https://[::1]:5000/v2/"));
    // A name that only resolves to loopback is proxied: no DNS lookup decides.
    assertEquals("p:1", proxyFor(all, "https://myhost:5000/v2/"));
    assertEquals("p:1", proxyFor(all, "https://sub.localhost.example/"));
    assertEquals("p:1", proxyFor(all, "https://10.0.0.1/"));
  }

  @ParameterizedTest(name = "NO_PROXY={0}, {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        // a domain matches itself and its subdomains
        "example.com|https://example.com/|direct",
        "example.com|https://registry.example.com:5000/|direct",
        "example.com|https://notexample.com/|proxy",
        // a leading dot or *. matches subdomains only
        ".example.com|https://example.com/|proxy",
        ".example.com|https://a.example.com/|direct",
        "*.example.com|https://example.com/|proxy",
        "*.example.com|https://a.b.example.com/|direct",
        // a port narrows the entry to that port (443 is https's default)
        "example.com:5000|https://example.com:5000/|direct",
        "example.com:5000|https://example.com/|proxy",
        "example.com:443|https://example.com/|direct",
        // IP addresses and ranges match IP literals only
        "10.1.2.3|https://10.1.2.3:5000/|direct",
        "10.1.2.3:5000|https://10.1.2.3:6000/|proxy",
        "10.0.0.0/8|https://10.200.0.1/|direct",
        "10.0.0.0/8|https://11.0.0.1/|proxy",
        "10.0.0.0/8|https://ten.example/|proxy",
        "fd00::/8|https://[fd12::1]:5000/|direct",
        "[fd12::1]:5000|https://[fd12::1]:5000/|direct",
        // * switches the proxy off; entries are trimmed, lower-cased, empty ones skipped
        "*|https://anything.example/|direct",
        "' , Example.COM '|https://x.example.com/|direct",
        "other.org,example.com|https://example.com/|direct",
        // malformed entries are ignored
        "10.0.0.0/99|https://10.0.0.1/|proxy",
        ":5000|https://example.com:5000/|proxy",
      })
  void noProxyFollowsGosMatchers(String noProxy, String url, String expected) {
    ProxySettings settings = env("HTTPS_PROXY", "p:1", "NO_PROXY", noProxy);
    assertEquals(expected.equals("direct") ? "direct" : "p:1", proxyFor(settings, url));
  }

  @Test
  void httpProxyIsRefusedInACgiProgram() {
    ProxySettings cgi = env("HTTP_PROXY", "p:1", "HTTPS_PROXY", "p:2", "REQUEST_METHOD", "GET");
    assertThrows(
        ProxyConfigurationException.class, () -> cgi.proxyFor(URI.create("http://r.example/")));
    assertEquals("p:2", proxyFor(cgi, "https://r.example/"));
  }

  @Test
  void noVariablesMeansEmptyAndTheJdkSelectorFollowsTheRules() {
    assertTrue(env().isEmpty());
    assertTrue(env("NO_PROXY", "x").proxyFor(URI.create("https://r.example/")).isEmpty());
    assertFalse(env("NO_PROXY", "x").isEmpty());
    ProxySettings settings = env("HTTP_PROXY", "proxy.corp:3128", "NO_PROXY", "files.example");
    List<Proxy> proxied = settings.asProxySelector().select(URI.create("http://other.example/a"));
    assertEquals(Proxy.Type.HTTP, proxied.get(0).type());
    assertTrue(proxied.get(0).address().toString().contains("proxy.corp"), proxied.toString());
    assertEquals(
        List.of(Proxy.NO_PROXY),
        settings.asProxySelector().select(URI.create("http://files.example/a")));
    assertEquals(Optional.empty(), settings.proxyFor(URI.create("http://127.0.0.1:8080/files/a")));
  }
}
