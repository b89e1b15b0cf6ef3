package dev.kiln.core.layer;

/**
 * How a layer blob is compressed. The media types are OCI's; they are local constants until the
 * registry-client model offers them.
 */
public enum Compression {
  /** A plain tar. */
  NONE("uncompressed", "application/vnd.oci.image.layer.v1.tar", 0),
  /** gzip, the default: every registry and runtime reads it. */
  GZIP("gzip", "application/vnd.oci.image.layer.v1.tar+gzip", 6),
  /** zstd: faster and smaller, read by containerd 1.5+, podman/CRI-O and recent Docker. */
  ZSTD("zstd", "application/vnd.oci.image.layer.v1.tar+zstd", 3);

  private final String recordName;
  private final String mediaType;
  private final int defaultLevel;

  Compression(String recordName, String mediaType, int defaultLevel) {
    this.recordName = recordName;
    this.mediaType = mediaType;
    this.defaultLevel = defaultLevel;
  }

  /** The name under which the content store records blobs of this compression. */
  public String recordName() {
    return recordName;
  }

  /** The OCI layer media type of a blob with this compression. */
  public String mediaType() {
    return mediaType;
  }

  /** The level used when none is chosen. */
  public int defaultLevel() {
    return defaultLevel;
  }

  /** Recognises a compressed stream by its first bytes (at least 4 should be given if present). */
  static Compression detect(byte[] magic, int length) {
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
