package dev.kiln.core.attest;

/** kiln's version as its jar's manifest states it; {@code dev} when run from classes. */
public final class KilnVersion {
  private KilnVersion() {}

  public static String get() {
    String v = KilnVersion.class.getPackage().getImplementationVersion();
    return v == null || v.isBlank() ? "dev" : v;
  }
}
