package dev.kiln.api.request;

import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code --ulimit}: a resource limit every RUN step's process starts with.
 *
 * @param name the resource as buildx names it ({@code nofile}, {@code nproc}, …)
 * @param soft the soft limit; {@link #UNLIMITED} for none
 * @param hard the hard limit, at least {@code soft}; {@link #UNLIMITED} for none
 */
public record Ulimit(String name, long soft, long hard) {
  /** {@code -1}: no limit (RLIM_INFINITY). */
  public static final long UNLIMITED = -1;

  /** The names buildx accepts (Docker's list: every Linux rlimit but {@code as}). */
  public static final Set<String> NAMES =
      Set.of(
          "core",
          "cpu",
          "data",
          "fsize",
          "locks",
          "memlock",
          "msgqueue",
          "nice",
          "nofile",
          "nproc",
          "rss",
          "rtprio",
          "rttime",
          "sigpending",
          "stack");

  public Ulimit {
    if (!NAMES.contains(name)) {
      throw new RequestException(
          "--ulimit: invalid ulimit type '" + name + "'",
          "use one of " + String.join(", ", new TreeSet<>(NAMES)));
    }
    if (soft < UNLIMITED || hard < UNLIMITED) {
      throw new RequestException(
          "--ulimit " + name + ": a limit is a number of at least 0, or -1 for unlimited",
          "e.g. --ulimit " + name + "=1024:2048");
    }
    if (hard != UNLIMITED && (soft == UNLIMITED || soft > hard)) {
      throw new RequestException(
          "--ulimit "
              + name
              + ": the soft limit "
              + (soft == UNLIMITED ? "(unlimited)" : soft)
              + " is above the hard limit "
              + hard,
          "give SOFT:HARD with SOFT <= HARD, e.g. --ulimit " + name + "=1024:2048");
    }
  }

  /** Parses {@code NAME=SOFT[:HARD]} (HARD defaults to SOFT), as buildx. */
  public static Ulimit parse(String text) {
    int eq = text.indexOf('=');
    if (eq < 0) {
      throw new RequestException(
          "--ulimit " + text + ": expected NAME=SOFT[:HARD]", "e.g. --ulimit nofile=1024:2048");
    }
    String name = text.substring(0, eq);
    if (!NAMES.contains(name)) {
      throw new RequestException(
          "--ulimit " + text + ": invalid ulimit type '" + name + "'",
          "use one of " + String.join(", ", new TreeSet<>(NAMES)));
    }
    String limits = text.substring(eq + 1);
    if (!limits.matches("-?[0-9]{1,18}(:-?[0-9]{1,18})?")) {
      throw new RequestException(
          "--ulimit " + text + ": expected NAME=SOFT[:HARD] with numbers",
          "e.g. --ulimit nofile=1024:2048 (-1 for unlimited)");
    }
    int colon = limits.indexOf(':');
    long soft = Long.parseLong(colon < 0 ? limits : limits.substring(0, colon));
    long hard = colon < 0 ? soft : Long.parseLong(limits.substring(colon + 1));
    return new Ulimit(name, soft, hard);
  }

  /** {@code name=soft:hard}, as written and as keyed. */
  @Override
  public String toString() {
    return name + "=" + soft + ":" + hard;
  }
}
