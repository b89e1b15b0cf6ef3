package dev.kiln.api.request;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A privilege a build must be granted before a Dockerfile may use it ({@code --allow NAME}), with
 * buildx's names. A Dockerfile alone can ask for these; without the grant, a step that asks fails
 * before anything runs.
 */
public enum Entitlement {
  /** {@code RUN --network=host}: the step shares the host's network namespace. */
  NETWORK_HOST("network.host"),
  /**
   * {@code RUN --security=insecure}: the step runs with every capability kiln holds, host devices,
   * and {@code /proc} and {@code /sys} neither masked nor read-only.
   */
  SECURITY_INSECURE("security.insecure");

  private final String flagValue;

  Entitlement(String flagValue) {
    this.flagValue = flagValue;
  }

  /** The name as {@code --allow} takes it: {@code network.host}, {@code security.insecure}. */
  public String flagValue() {
    return flagValue;
  }

  /**
   * The entitlements in one {@code --allow} value: one name or several separated by commas, as
   * buildx accepts them (blank items are skipped).
   *
   * @throws RequestException for an unknown name, listing the known ones
   */
  public static Set<Entitlement> parseList(String value) {
    Set<Entitlement> out = EnumSet.noneOf(Entitlement.class);
    for (String item : value.split(",", -1)) {
      String name = item.trim();
      if (!name.isEmpty()) {
        out.add(parse(name));
      }
    }
    return out;
  }

  /**
   * One entitlement by name.
   *
   * @throws RequestException for an unknown name, listing the known ones
   */
  public static Entitlement parse(String name) {
    for (Entitlement e : values()) {
      if (e.flagValue.equals(name)) {
        return e;
      }
    }
    List<String> known = new ArrayList<>();
    for (Entitlement e : values()) {
      known.add(e.flagValue);
    }
    throw new RequestException(
        "unknown entitlement '" + name + "' for --allow",
        "use " + String.join(" or ", known) + " (comma-separated or repeated)");
  }

  @Override
  public String toString() {
    return flagValue;
  }
}
