package dev.kiln.registry.model;

import java.util.Optional;

/**
 * How a layer blob is compressed, which its media type says ({@code +gzip}, {@code +zstd}, or
 * nothing for a plain tar). The one type for it in kiln: the layer writer writes one, the reader
 * recognises one, and {@code --output ...,compression=} asks for one. It lives in the model, beside
 * {@link MediaType}, because every module that meets a layer meets its compression.
 *
 * <p>The constant names are part of build-cache keys; do not rename them.
 */
public enum Compression {
  /** A plain tar. */
  NONE("uncompressed", MediaType.OCI_LAYER),
  /** gzip, the default: every registry and runtime reads it. */
  GZIP("gzip", MediaType.OCI_LAYER_GZIP),
  /** zstd: faster and smaller, read by containerd 1.5+, podman/CRI-O and recent Docker. */
  ZSTD("zstd", MediaType.OCI_LAYER_ZSTD);

  private final String label;
  private final String mediaType;

  Compression(String label, String mediaType) {
    this.label = label;
    this.mediaType = mediaType;
  }

  /**
   * {@code uncompressed}, {@code gzip} or {@code zstd}: buildx's names in {@code compression=}, and
   * the names the content store records blobs of this compression under.
   */
  public String label() {
    return label;
  }

  /** The compression a {@link #label()} names, ignoring case. */
  public static Optional<Compression> ofLabel(String text) {
    for (Compression c : values()) {
      if (c.label.equalsIgnoreCase(text)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The OCI layer media type of a blob with this compression. */
  public String mediaType() {
    return mediaType;
  }

  /**
   * Recognises a compressed stream by its first {@code length} bytes of {@code magic} (4 suffice):
   * gzip's {@code 1f 8b}, zstd's {@code 28 b5 2f fd}, else a plain tar.
   */
  public static Compression detect(byte[] magic, int length) {
    if (length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b) {
      return GZIP;
    }
    if (length >= 4
        && (magic[0] & 0xff) == 0x28
        && (magic[1] & 0xff) == 0xb5
        && (magic[2] & 0xff) == 0x2f
        && (magic[3] & 0xff) == 0xfd) {
      return ZSTD;
    }
    return NONE;
  }
}
