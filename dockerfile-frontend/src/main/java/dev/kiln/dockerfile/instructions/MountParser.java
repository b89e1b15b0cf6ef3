package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.Suggestions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** Reads a {@code RUN --mount=} value (CSV {@code key=value} fields) into a {@link Mount}. */
public final class MountParser {
  private static final List<String> TYPES = List.of("bind", "cache", "tmpfs", "secret", "ssh");
  private static final List<String> SHARING = List.of("shared", "private", "locked");
  private static final List<String> KEYS =
      List.of(
          "type",
          "from",
          "source",
          "target",
          "readonly",
          "id",
          "sharing",
          "required",
          "mode",
          "uid",
          "gid",
          "src",
          "dst",
          "ro",
          "rw",
          "readwrite",
          "size",
          "env",
          "destination");

  private MountParser() {}

  /**
   * Reads only what can be known before expansion: the {@code from} of a mount (which may not use
   * variables), leaving every other option at its default. This is what BuildKit checks when the
   * instruction is parsed.
   */
  public static Mount parseDeferred(String spec) {
    String from = "";
    for (String field : csv(spec)) {
      int eq = field.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = field.substring(0, eq).toLowerCase(Locale.ROOT);
      String value = field.substring(eq + 1);
      if (key.equals("from")) {
        if (hasVariable(value)) {
          throw new DockerfileException(
              "'from' doesn't support variable expansion, define alias stage instead",
              "add a stage such as `FROM " + value + " AS src` and mount from=src");
        }
        from = value;
      }
    }
    return new Mount(Mount.Type.BIND, from, "", "", true, "", null, false, 0, null, null, null, "");
  }

  private static boolean hasVariable(String value) {
    int d = value.indexOf('$');
    return d >= 0 && d + 1 < value.length();
  }

  /** Reads a mount, passing every value through {@code expander} first. */
  public static Mount parse(String spec, UnaryOperator<String> expander) {
    Mount.Type type = Mount.Type.BIND;
    String from = "";
    String source = "";
    String target = "";
    boolean readOnly = false;
    boolean roAuto = true;
    String id = "";
    Mount.Sharing sharing = null;
    boolean required = false;
    long size = 0;
    Integer mode = null;
    Long uid = null;
    Long gid = null;
    String env = "";
    for (String field : csv(spec)) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (eq < 0) {
        switch (key) {
          case "readonly":
          case "ro":
            readOnly = true;
            roAuto = false;
            continue;
          case "readwrite":
          case "rw":
            readOnly = false;
            roAuto = false;
            continue;
          case "required":
            if (type == Mount.Type.SECRET || type == Mount.Type.SSH) {
              required = true;
              continue;
            }
            throw new DockerfileException(
                "unexpected key '" + key + "' for mount type '" + type.value() + "'");
          default:
            throw new DockerfileException(
                "invalid field '" + field + "' must be a key=value pair",
                "write mount options as key=value, e.g. type=cache,target=/root/.cache");
        }
      }
      String value = expander.apply(field.substring(eq + 1));
      switch (key) {
        case "type":
          {
            String v = value.toLowerCase(Locale.ROOT);
            if (!TYPES.contains(v)) {
              throw new DockerfileException(
                  "unsupported mount type \"" + value + "\"",
                  Suggestions.hint(value, TYPES, false));
            }
            type = Mount.Type.valueOf(v.toUpperCase(Locale.ROOT));
            break;
          }
        case "from":
          from = value;
          break;
        case "source":
        case "src":
          source = value;
          break;
        case "target":
        case "dst":
        case "destination":
          target = value;
          break;
        case "readonly":
        case "ro":
          readOnly = parseBool(key, value);
          roAuto = false;
          break;
        case "readwrite":
        case "rw":
          readOnly = !parseBool(key, value);
          roAuto = false;
          break;
        case "required":
          if (type != Mount.Type.SECRET && type != Mount.Type.SSH) {
            throw new DockerfileException(
                "unexpected key '" + key + "' for mount type '" + type.value() + "'");
          }
          required = parseBool(key, value);
          break;
        case "size":
          if (type != Mount.Type.TMPFS) {
            throw new DockerfileException(
                "unexpected key '" + key + "' for mount type '" + type.value() + "'");
          }
          size = ramInBytes(key, value);
          break;
        case "id":
          id = value;
          break;
        case "sharing":
          {
            String v = value.toLowerCase(Locale.ROOT);
            if (!SHARING.contains(v)) {
              throw new DockerfileException(
                  "unsupported sharing value \"" + value + "\"",
                  Suggestions.hint(value, SHARING, false));
            }
            sharing = Mount.Sharing.valueOf(v.toUpperCase(Locale.ROOT));
            break;
          }
        case "mode":
          try {
            long m = Long.parseLong(value, 8);
            if (m < 0 || m > 0xFFFFFFFFL) {
              throw new NumberFormatException();
            }
            mode = (int) m;
          } catch (NumberFormatException e) {
            throw new DockerfileException("invalid value " + value + " for mode");
          }
          break;
        case "uid":
          uid = parseId(key, value);
          break;
        case "gid":
          gid = parseId(key, value);
          break;
        case "env":
          env = value;
          break;
        default:
          throw new DockerfileException(
              "unexpected key '" + key + "' in '" + field + "'",
              Suggestions.hint(key, KEYS, false));
      }
    }
    boolean fileInfoAllowed =
        type == Mount.Type.SECRET || type == Mount.Type.SSH || type == Mount.Type.CACHE;
    if (!fileInfoAllowed) {
      if (mode != null) {
        throw new DockerfileException("mode not allowed for \"" + type.value() + "\" type mounts");
      }
      if (uid != null) {
        throw new DockerfileException("uid not allowed for \"" + type.value() + "\" type mounts");
      }
      if (gid != null) {
        throw new DockerfileException("gid not allowed for \"" + type.value() + "\" type mounts");
      }
    }
    if (roAuto) {
      readOnly = !(type == Mount.Type.CACHE || type == Mount.Type.TMPFS);
    }
    if (type == Mount.Type.SECRET) {
      if (!from.isEmpty()) {
        throw new DockerfileException("secret mount should not have a from");
      }
      if (sharing != null) {
        throw new DockerfileException("secret mount should not define sharing");
      }
      // As in BuildKit, env= does not name the secret: its id is id=, source= or the target's name.
      if (source.isEmpty() && target.isEmpty() && id.isEmpty()) {
        throw new DockerfileException(
            "invalid secret mount. one of source, target required",
            "name the secret with id=..., or give a target path");
      }
      if (!source.isEmpty() && !id.isEmpty()) {
        throw new DockerfileException("both source and id can't be set");
      }
    }
    if (type == Mount.Type.SSH && !source.isEmpty()) {
      throw new DockerfileException(
          "ssh does not support source", "name the agent with id=..., as given to --ssh");
    }
    if (sharing != null && type != Mount.Type.CACHE) {
      throw new DockerfileException("invalid cache sharing set for " + type.value() + " mount");
    }
    return new Mount(
        type, from, source, target, readOnly, id, sharing, required, size, mode, uid, gid, env);
  }

  private static boolean parseBool(String key, String value) {
    switch (value) {
      case "1":
      case "t":
      case "T":
      case "TRUE":
      case "true":
      case "True":
        return true;
      case "0":
      case "f":
      case "F":
      case "FALSE":
      case "false":
      case "False":
        return false;
      default:
        throw new DockerfileException("invalid value for " + key + ": " + value);
    }
  }

  private static long parseId(String key, String value) {
    try {
      long v = Long.parseLong(value);
      if (v < 0 || v > 0xFFFFFFFFL || value.startsWith("+")) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw new DockerfileException("invalid value " + value + " for " + key);
    }
  }

  /** docker/go-units RAMInBytes: {@code 64m}, {@code 1.5g}, {@code 1024} (binary units). */
  static long ramInBytes(String key, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < v.length() && (Character.isDigit(v.charAt(i)) || v.charAt(i) == '.')) {
      i++;
    }
    String number = v.substring(0, i);
    String unit = v.substring(i).trim();
    if (unit.endsWith("ib")) {
      unit = unit.substring(0, unit.length() - 2);
    } else if (unit.endsWith("b")) {
      unit = unit.substring(0, unit.length() - 1);
    }
    long mult;
    switch (unit) {
      case "":
        mult = 1;
        break;
      case "k":
        mult = 1L << 10;
        break;
      case "m":
        mult = 1L << 20;
        break;
      case "g":
        mult = 1L << 30;
        break;
      case "t":
        mult = 1L << 40;
        break;
      case "p":
        mult = 1L << 50;
        break;
      default:
        throw new DockerfileException("invalid value for " + key + ": " + value);
    }
    try {
      return (long) (Double.parseDouble(number) * mult);
    } catch (NumberFormatException e) {
      throw new DockerfileException("invalid value for " + key + ": " + value);
    }
  }

  /** One CSV record with Go's encoding/csv rules (comma separated, double-quote quoting). */
  static List<String> csv(String line) {
    List<String> fields = new ArrayList<>();
    int i = 0;
    int n = line.length();
    if (n == 0) {
      throw new DockerfileException("failed to parse csv mounts: EOF");
    }
    while (true) {
      StringBuilder field = new StringBuilder();
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= n) {
            throw new DockerfileException(
                "failed to parse csv mounts: parse error on line 1, column "
                    + (n + 1)
                    + ": extraneous or missing \" in quoted-field");
          }
          char c = line.charAt(i);
          if (c == '"') {
            if (i + 1 < n && line.charAt(i + 1) == '"') {
              field.append('"');
              i += 2;
              continue;
            }
            i++;
            if (i < n && line.charAt(i) != ',') {
              throw new DockerfileException(
                  "failed to parse csv mounts: parse error on line 1, column "
                      + (i + 1)
                      + ": extraneous or missing \" in quoted-field");
            }
            break;
          }
          field.append(c);
          i++;
        }
      } else {
        while (i < n && line.charAt(i) != ',') {
          char c = line.charAt(i);
          if (c == '"') {
            throw new DockerfileException(
                "failed to parse csv mounts: parse error on line 1, column "
                    + (i + 1)
                    + ": bare \" in non-quoted-field");
          }
          if (c == '\n') {
            fields.add(field.toString());
            return fields;
          }
          field.append(c);
          i++;
        }
      }
      fields.add(field.toString());
      if (i >= n) {
        return fields;
      }
      i++;
      if (i == n) {
        fields.add("");
        return fields;
      }
    }
  }
}
