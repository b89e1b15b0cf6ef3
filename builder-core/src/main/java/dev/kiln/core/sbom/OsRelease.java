package dev.kiln.core.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The distribution an image is built on, from {@code /etc/os-release} (or {@code
 * /usr/lib/os-release}): its {@code ID} names the namespace of deb and apk package URLs ({@code
 * pkg:deb/debian/…}, {@code pkg:deb/ubuntu/…}).
 */
record OsRelease(String id, String versionId) {
  static final OsRelease UNKNOWN = new OsRelease("", "");

  static OsRelease read(ImageFiles files) throws IOException {
    for (String path : new String[] {"etc/os-release", "usr/lib/os-release"}) {
      if (files.kind(path).orElse(null) == ImageFiles.Kind.REGULAR && files.size(path) < 65536) {
        try (InputStream in = files.open(path)) {
          return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
      }
    }
    return UNKNOWN;
  }

  static OsRelease parse(String text) {
    Map<String, String> values = new HashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        String value = line.substring(eq + 1).strip();
        if (value.length() >= 2 && (value.startsWith("\"") || value.startsWith("'"))) {
          value = value.substring(1, value.length() - 1);
        }
        values.put(line.substring(0, eq).strip(), value);
      }
    }
    return new OsRelease(values.getOrDefault("ID", ""), values.getOrDefault("VERSION_ID", ""));
  }

  /** The namespace for {@code fallback}'s package URLs: this ID, else {@code fallback}. */
  String namespaceOr(String fallback) {
    return id.isEmpty() ? fallback : id;
  }

  /** The purl {@code distro} qualifier ({@code debian-12}), or empty. */
  String distro() {
    return id.isEmpty() ? "" : versionId.isEmpty() ? id : id + "-" + versionId;
  }
}
