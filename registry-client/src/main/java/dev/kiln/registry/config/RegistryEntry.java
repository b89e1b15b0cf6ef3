package dev.kiln.registry.config;

import java.util.List;

/**
 * One {@code [[registry]]} of a registries.conf (or Docker's mirrors for Docker Hub): which
 * references it covers ({@code prefix}), where they are really pulled from ({@code location}), and
 * the mirrors tried first.
 *
 * @param prefix {@code example.com}, {@code example.com/team}, {@code *.example.com}
 * @param location where references under the prefix live; empty for a wildcard prefix (no rewrite)
 * @param insecure plain HTTP and unverified TLS allowed for the location
 * @param blocked pulling references under the prefix is refused
 * @param mirrorByDigestOnly mirrors are used only for references with a digest
 * @param mirrors tried in order before the location
 * @param origin the file (and line) that set it, for messages
 */
public record RegistryEntry(
    String prefix,
    String location,
    boolean insecure,
    boolean blocked,
    boolean mirrorByDigestOnly,
    List<Mirror> mirrors,
    String origin) {

  public RegistryEntry {
    mirrors = List.copyOf(mirrors);
  }

  /** When a mirror may be used ({@code pull-from-mirror}). */
  public enum PullFrom {
    ALL,
    DIGEST_ONLY,
    TAG_ONLY
  }

  /**
   * A {@code [[registry.mirror]]}.
   *
   * @param location {@code host[:port][/namespace]}
   * @param insecure plain HTTP and unverified TLS allowed
   * @param pullFrom which references it serves
   */
  public record Mirror(String location, boolean insecure, PullFrom pullFrom) {}

  /** This entry with {@code more} mirrors after its own. */
  RegistryEntry withMoreMirrors(List<Mirror> more, String moreOrigin) {
    List<Mirror> all = new java.util.ArrayList<>(mirrors);
    all.addAll(more);
    return new RegistryEntry(
        prefix, location, insecure, blocked, mirrorByDigestOnly, all, origin + ", " + moreOrigin);
  }
}
