package dev.kiln.core.sandbox;

import java.math.BigInteger;
import java.util.Locale;

/**
 * A resource limit the step's process starts with ({@code setrlimit}).
 *
 * @param resource the lower-case name without {@code RLIMIT_} ({@code nofile}, {@code nproc}, …)
 * @param soft the soft limit, {@link #INFINITY} for none
 * @param hard the hard limit, {@link #INFINITY} for none
 */
public record Rlimit(String resource, long soft, long hard) {
  /** No limit. */
  public static final long INFINITY = -1;

  /** RLIM_INFINITY as the kernel (and the OCI spec's unsigned numbers) write it. */
  private static final BigInteger KERNEL_INFINITY =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  public Rlimit {
    if (!resource.matches("[a-z]+")) {
      throw new IllegalArgumentException("invalid resource limit name '" + resource + "'");
    }
  }

  /** The OCI runtime spec's {@code type}: {@code RLIMIT_NOFILE}. */
  String ociType() {
    return "RLIMIT_" + resource.toUpperCase(Locale.ROOT);
  }

  static BigInteger ociValue(long limit) {
    return limit == INFINITY ? KERNEL_INFINITY : BigInteger.valueOf(limit);
  }

  /** util-linux {@code prlimit}'s option: {@code --nofile=1024:2048}. */
  String prlimitOption() {
    return "--" + resource + "=" + prlimitValue(soft) + ":" + prlimitValue(hard);
  }

  private static String prlimitValue(long limit) {
    return limit == INFINITY ? "unlimited" : Long.toString(limit);
  }
}
