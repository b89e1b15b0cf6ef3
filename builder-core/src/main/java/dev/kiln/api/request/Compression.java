package dev.kiln.api.request;

import java.util.Locale;

/** How layer blobs are compressed in an output. */
public enum Compression {
  GZIP,
  ZSTD,
  UNCOMPRESSED;

  static Compression parse(String value) {
    try {
      return valueOf(value.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new RequestException(
          "unknown compression '" + value + "'", "use compression=gzip, zstd or uncompressed");
    }
  }
}
