package dev.kiln.core.snapshot;

import java.util.HexFormat;

/**
 * One extended attribute of a changed file ({@code security.capability}, {@code user.*}…), its
 * value as lowercase hex so that the record compares by value.
 */
public record Xattr(String name, String hexValue) implements Comparable<Xattr> {
  /** The raw value. */
  public byte[] value() {
    return HexFormat.of().parseHex(hexValue);
  }

  @Override
  public int compareTo(Xattr other) {
    return name.compareTo(other.name);
  }
}
