package dev.kiln.dockerfile.shell;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Variables visible to word expansion. A name that is absent is unset; "" is set but empty. */
@FunctionalInterface
public interface Environment {
  /** The value of {@code name}, or null when it is unset. */
  String lookup(String name);

  Environment EMPTY = name -> null;

  static Environment of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return copy::get;
  }

  /**
   * An environment from {@code KEY=VALUE} entries, as in an image config's Env: a bare {@code KEY}
   * is set to "", and a later entry for the same key wins.
   */
  static Environment fromList(List<String> entries) {
    return of(toMap(entries));
  }

  /** The map {@link #fromList} looks names up in. */
  static Map<String, String> toMap(List<String> entries) {
    Map<String, String> values = new HashMap<>();
    for (String e : entries) {
      int eq = e.indexOf('=');
      if (eq < 0) {
        values.put(e, "");
      } else {
        values.put(e.substring(0, eq), e.substring(eq + 1));
      }
    }
    return values;
  }
}
