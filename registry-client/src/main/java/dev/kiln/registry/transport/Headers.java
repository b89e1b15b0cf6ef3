package dev.kiln.registry.transport;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Immutable HTTP headers: names are case-insensitive, a name may have several values. */
public final class Headers {
  private static final Headers EMPTY = new Headers(Map.of());

  /** Lower-case name → values in order. */
  private final Map<String, List<String>> values;

  private Headers(Map<String, List<String>> values) {
    this.values = values;
  }

  public static Headers empty() {
    return EMPTY;
  }

  /** Headers from pairs: {@code of("Accept", "a", "Range", "bytes=0-")}. */
  public static Headers of(String... namesAndValues) {
    Headers h = EMPTY;
    for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
      h = h.plus(namesAndValues[i], namesAndValues[i + 1]);
    }
    return h;
  }

  /** The first value of {@code name}, or null. */
  public String first(String name) {
    List<String> v = values.get(name.toLowerCase(Locale.ROOT));
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  /** All values of {@code name}, possibly empty. */
  public List<String> all(String name) {
    return values.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  public boolean has(String name) {
    return values.containsKey(name.toLowerCase(Locale.ROOT));
  }

  /** These headers plus one more value for {@code name}. */
  public Headers plus(String name, String value) {
    Map<String, List<String>> copy = new LinkedHashMap<>(values);
    List<String> list =
        new ArrayList<>(copy.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()));
    list.add(value);
    copy.put(name.toLowerCase(Locale.ROOT), List.copyOf(list));
    return new Headers(Collections.unmodifiableMap(copy));
  }

  /** These headers with {@code name} set to exactly {@code value}. */
  public Headers with(String name, String value) {
    return without(name).plus(name, value);
  }

  /** These headers without {@code name}. */
  public Headers without(String name) {
    if (!has(name)) {
      return this;
    }
    Map<String, List<String>> copy = new LinkedHashMap<>(values);
    copy.remove(name.toLowerCase(Locale.ROOT));
    return new Headers(Collections.unmodifiableMap(copy));
  }

  /** Lower-case names → values. */
  public Map<String, List<String>> asMap() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Headers h && h.values.equals(values);
  }

  @Override
  public int hashCode() {
    return values.hashCode();
  }

  /** Header names only: values may hold secrets. */
  @Override
  public String toString() {
    return "Headers" + values.keySet();
  }
}
