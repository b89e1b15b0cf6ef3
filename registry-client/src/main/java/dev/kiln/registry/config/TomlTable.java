package dev.kiln.registry.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A table of a parsed TOML document ({@link TomlParser}): keys in file order, each with the line
 * that set it. Values are {@code String}, {@code Boolean}, {@code Long}, {@code TomlTable}, or a
 * {@code List} of those (an array, or an array of tables).
 *
 * <p>The typed getters below say, in their error, which file, line and key held the wrong thing, so
 * that a mistake in a configuration file is reported where it is.
 */
public final class TomlTable {
  private final String file;
  private final int line;
  private final Map<String, Object> values = new LinkedHashMap<>();
  private final Map<String, Integer> lines = new LinkedHashMap<>();

  TomlTable(String file, int line) {
    this.file = file;
    this.line = line;
  }

  /** The line of the table's header ({@code [x]}, {@code [[x]]}), or 0 for the root. */
  public int line() {
    return line;
  }

  /** The file it was read from, for messages. */
  public String file() {
    return file;
  }

  public Set<String> keys() {
    return Collections.unmodifiableSet(values.keySet());
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The raw value, or null. */
  public Object get(String key) {
    return values.get(key);
  }

  /** The line that set {@code key}, or this table's line. */
  public int lineOf(String key) {
    return lines.getOrDefault(key, line);
  }

  void put(String key, Object value, int atLine) {
    values.put(key, value);
    lines.put(key, atLine);
  }

  /** A string, or null when the key is absent. */
  public String string(String key) {
    Object v = values.get(key);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    throw wrongType(key, "a string");
  }

  /** A boolean, or {@code otherwise} when the key is absent. */
  public boolean bool(String key, boolean otherwise) {
    Object v = values.get(key);
    if (v == null) {
      return otherwise;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    throw wrongType(key, "true or false");
  }

  /** An array of strings, or null when the key is absent (an empty array is not absent). */
  public List<String> strings(String key) {
    Object v = values.get(key);
    if (v == null) {
      return null;
    }
    if (v instanceof List<?> list) {
      List<String> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof String s)) {
          throw wrongType(key, "an array of strings");
        }
        out.add(s);
      }
      return out;
    }
    throw wrongType(key, "an array of strings");
  }

  /** A table, or null when the key is absent. */
  public TomlTable table(String key) {
    Object v = values.get(key);
    if (v == null || v instanceof TomlTable) {
      return (TomlTable) v;
    }
    throw wrongType(key, "a table");
  }

  /** An array of tables ({@code [[key]]} or {@code key = [{…}]}); empty when absent. */
  public List<TomlTable> tables(String key) {
    Object v = values.get(key);
    if (v == null) {
      return List.of();
    }
    if (v instanceof List<?> list) {
      List<TomlTable> out = new ArrayList<>();
      for (Object o : list) {
        if (!(o instanceof TomlTable t)) {
          throw wrongType(key, "an array of tables");
        }
        out.add(t);
      }
      return out;
    }
    throw wrongType(key, "an array of tables ([[" + key + "]])");
  }

  private ConfigFileException wrongType(String key, String wanted) {
    return new ConfigFileException(
        file, lineOf(key), "\"" + key + "\" must be " + wanted, "fix the value of " + key);
  }

  /** Plain Java values, for tests and messages. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    values.forEach((k, v) -> out.put(k, plain(v)));
    return out;
  }

  private static Object plain(Object v) {
    if (v instanceof TomlTable t) {
      return t.toMap();
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      for (Object o : list) {
        out.add(plain(o));
      }
      return out;
    }
    return v;
  }

  @Override
  public String toString() {
    return toMap().toString();
  }
}
