package dev.kiln.core.checksum;

import dev.kiln.registry.model.Digest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * What a checksum needs of a regular file beyond its header: the digest of its bytes and its {@code
 * security.capability} attribute (file capabilities such as {@code cap_net_raw}, which a copy
 * preserves and which change what the file may do).
 *
 * @param digest sha256 of the bytes
 * @param capability the raw attribute value, or null if the file has none
 */
public record FileContent(Digest digest, byte[] capability) {
  public FileContent {
    Objects.requireNonNull(digest, "digest");
    capability = capability == null ? null : capability.clone();
  }

  /** A copy of the capability bytes, or null. */
  @Override
  public byte[] capability() {
    return capability == null ? null : capability.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileContent c
        && digest.equals(c.digest)
        && Arrays.equals(capability, c.capability);
  }

  @Override
  public int hashCode() {
    return digest.hashCode() * 31 + Arrays.hashCode(capability);
  }

  @Override
  public String toString() {
    return digest + (capability == null ? "" : " cap=0x" + HexFormat.of().formatHex(capability));
  }
}
