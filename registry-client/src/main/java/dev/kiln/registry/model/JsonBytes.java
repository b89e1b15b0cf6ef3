package dev.kiln.registry.model;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The exact bytes of a JSON document (manifest, index or config) as read from a registry or as kiln
 * serialised it. Digests are always taken over these bytes, never over a re-serialisation, so a
 * document that passes through kiln unchanged keeps its digest.
 *
 * <p>Immutable: the array is copied in and out. Equality is by content.
 */
public final class JsonBytes {
  private final byte[] bytes;
  private final Digest digest;

  private JsonBytes(byte[] bytes) {
    this.bytes = bytes;
    this.digest = Digest.sha256(bytes);
  }

  /** Wraps a copy of {@code bytes}. */
  public static JsonBytes of(byte[] bytes) {
    return new JsonBytes(bytes.clone());
  }

  /** For serialisers in this package that hand over a fresh array. */
  static JsonBytes adopt(byte[] bytes) {
    return new JsonBytes(bytes);
  }

  /** A copy of the bytes. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** A stream over the bytes, for uploads; does not copy. */
  public InputStream openStream() {
    return new ByteArrayInputStream(bytes);
  }

  /** The sha256 digest of the bytes. */
  public Digest digest() {
    return digest;
  }

  public long size() {
    return bytes.length;
  }

  /** The bytes decoded as UTF-8, for messages and tests. */
  public String asString() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonBytes other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return digest.hashCode();
  }

  @Override
  public String toString() {
    return "JsonBytes[" + bytes.length + " bytes, " + digest + "]";
  }
}
