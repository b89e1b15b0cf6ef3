package dev.kiln.core.sbom;

import java.nio.charset.StandardCharsets;

/** Package URLs (github.com/package-url/purl-spec): the percent-encoding of their parts. */
final class Purls {
  private Purls() {}

  /** A purl segment: everything but unreserved characters percent-encoded. */
  static String encode(String part) {
    StringBuilder out = new StringBuilder();
    for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '.'
          || c == '-'
          || c == '_'
          || c == '~') {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
