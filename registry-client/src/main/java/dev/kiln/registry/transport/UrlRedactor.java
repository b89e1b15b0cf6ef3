package dev.kiln.registry.transport;

import java.net.URI;
import java.util.Set;

/**
 * Hides query values that can carry secrets before a URL reaches a log or an error message: blob
 * storage redirects carry signatures, upload locations carry session state. User info is dropped
 * too. A few parameters that help a person understand the request are kept.
 */
public final class UrlRedactor {
  private static final Set<String> KEEP =
      Set.of("digest", "mount", "from", "n", "last", "scope", "service", "artifactType");

  private UrlRedactor() {}

  public static String redact(URI uri) {
    StringBuilder out = new StringBuilder();
    if (uri.getScheme() != null) {
      out.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      out.append(uri.getHost());
      if (uri.getPort() >= 0) {
        out.append(':').append(uri.getPort());
      }
    }
    if (uri.getRawPath() != null) {
      out.append(uri.getRawPath());
    }
    String query = uri.getRawQuery();
    if (query != null && !query.isEmpty()) {
      out.append('?');
      String[] parts = query.split("&");
      for (int i = 0; i < parts.length; i++) {
        if (i > 0) {
          out.append('&');
        }
        int eq = parts[i].indexOf('=');
        String name = eq < 0 ? parts[i] : parts[i].substring(0, eq);
        out.append(name);
        if (eq >= 0) {
          out.append('=').append(KEEP.contains(name) ? parts[i].substring(eq + 1) : "REDACTED");
        }
      }
    }
    return out.toString();
  }
}
