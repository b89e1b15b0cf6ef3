package dev.kiln.core.sandbox;

import java.util.Locale;

/**
 * How {@code RUN} steps are isolated, as chosen with {@code --isolation}: {@link #OCI} runs them in
 * an OCI runtime ({@code crun} or {@code runc}) from a generated bundle, {@link #CHROOT} in kiln's
 * own namespaces built with util-linux ({@code unshare}, {@code nsenter}, {@code setpriv}) and a
 * chroot, and {@link #AUTO} tries an OCI runtime for real and falls back to chroot.
 */
public enum Isolation {
  AUTO,
  OCI,
  CHROOT;

  /** The option value as typed on the command line. */
  public String optionValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code auto}, {@code oci} or {@code chroot} (case-insensitive). */
  public static Isolation parse(String value) {
    for (Isolation isolation : values()) {
      if (isolation.optionValue().equalsIgnoreCase(value.trim())) {
        return isolation;
      }
    }
    throw new IllegalArgumentException(
        "unknown isolation '" + value + "': expected one of auto, oci, chroot");
  }
}
