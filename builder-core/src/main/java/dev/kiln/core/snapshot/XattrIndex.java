package dev.kiln.core.snapshot;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.host.XattrPrograms;
import dev.kiln.core.layer.UserXattrs;
import dev.kiln.core.sandbox.HostTools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Extended attributes of a tree, read with one {@code getfattr -R} run (Debian's {@code attr}
 * package). The JDK can only read {@code user.*} attributes, and kiln needs {@code trusted.*}
 * (overlayfs's opaque marker) and {@code security.*} (file capabilities) too. Without getfattr
 * ({@link XattrPrograms}) the index holds the {@code user.*} attributes the JDK reads; the
 * snapshotters then keep their markers there too. Only files that have attributes appear, so memory
 * follows the number of such files, not the size of the tree.
 */
final class XattrIndex {
  /** overlayfs marks a directory that hides everything below it with this attribute = "y". */
  static final String OPAQUE = "trusted.overlay.opaque";

  /** The same marker when overlayfs runs with {@code userxattr} (rootless). */
  static final String USER_OPAQUE = "user.overlay.opaque";

  private final Map<String, Map<String, String>> byPath;

  private XattrIndex(Map<String, Map<String, String>> byPath) {
    this.byPath = byPath;
  }

  /** Reads every attribute of every file at or below {@code root}, symlinks not followed. */
  static XattrIndex scan(Path root) {
    if (!XattrPrograms.installed()) {
      return userOnly(root);
    }
    Path getfattr = HostTools.require("getfattr", "attr", "to read extended attributes");
    HostCommand command =
        HostCommand.of(
                getfattr.toString(),
                "--recursive",
                "--physical",
                "--no-dereference",
                "--dump",
                "--match=-",
                "--encoding=hex",
                "--absolute-names",
                root.toAbsolutePath().toString())
            .finishingWhenInterrupted();
    try {
      return new XattrIndex(
          parse(command.run().requireSuccess("read extended attributes").stdout()));
    } catch (IOException e) {
      throw new SnapshotException(e.getMessage(), e);
    }
  }

  private static XattrIndex userOnly(Path root) {
    Map<String, Map<String, String>> byPath = new HashMap<>();
    try {
      for (Map.Entry<String, Map<String, byte[]>> file :
          UserXattrs.readTree(root.toAbsolutePath()).entrySet()) {
        Map<String, String> hex = new HashMap<>();
        file.getValue().forEach((name, value) -> hex.put(name, HexFormat.of().formatHex(value)));
        byPath.put(Path.of(file.getKey()).normalize().toString(), hex);
      }
    } catch (IOException e) {
      throw new SnapshotException(
          "cannot read the extended attributes under " + root + ": " + e, e);
    }
    return new XattrIndex(byPath);
  }

  /** An index with no attributes at all. */
  static XattrIndex empty() {
    return new XattrIndex(Map.of());
  }

  /** The attributes of {@code file} (name to lowercase hex), empty when it has none. */
  Map<String, String> get(Path file) {
    return byPath.getOrDefault(file.toAbsolutePath().normalize().toString(), Map.of());
  }

  /** The attributes of {@code file} without overlayfs's own bookkeeping ({@code *.overlay.*}). */
  List<Xattr> portable(Path file) {
    List<Xattr> out = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(get(file)).entrySet()) {
      if (!isOverlayInternal(e.getKey())) {
        out.add(new Xattr(e.getKey(), e.getValue()));
      }
    }
    return out;
  }

  /** Whether {@code dir} carries overlayfs's opaque marker. */
  boolean isOpaque(Path dir) {
    Map<String, String> attrs = get(dir);
    return "79".equals(attrs.get(OPAQUE)) || "79".equals(attrs.get(USER_OPAQUE));
  }

  /** Paths (absolute) with at least one overlayfs bookkeeping attribute, and those names. */
  Map<Path, List<String>> overlayInternal() {
    Map<Path, List<String>> out = new HashMap<>();
    for (Map.Entry<String, Map<String, String>> e : byPath.entrySet()) {
      for (String name : e.getValue().keySet()) {
        if (isOverlayInternal(name)) {
          out.computeIfAbsent(Path.of(e.getKey()), k -> new ArrayList<>()).add(name);
        }
      }
    }
    return out;
  }

  static boolean isOverlayInternal(String name) {
    return name.startsWith("trusted.overlay.") || name.startsWith("user.overlay.");
  }

  /** Parses {@code getfattr --dump --encoding=hex --absolute-names} output. */
  static Map<String, Map<String, String>> parse(String dump) {
    Map<String, Map<String, String>> out = new HashMap<>();
    Map<String, String> current = null;
    for (String line : dump.split("\n")) {
      if (line.startsWith("# file: ")) {
        String path = Path.of(unescape(line.substring("# file: ".length()))).normalize().toString();
        current = out.computeIfAbsent(path, k -> new HashMap<>());
      } else if (current != null && !line.isEmpty() && !line.startsWith("#")) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          String value = line.substring(eq + 1);
          if (value.startsWith("0x")) {
            value = value.substring(2);
          } else if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
            // An empty value is printed as "" whatever the encoding.
            value = value.substring(1, value.length() - 1);
          }
          current.put(unescape(line.substring(0, eq)), value.toLowerCase(Locale.ROOT));
        }
      }
    }
    return out;
  }

  /** getfattr writes non-printable bytes and backslashes of names as {@code \ooo}. */
  static String unescape(String text) {
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == (byte) 0x5c && isOctal(raw, i + 1)) {
        out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
        i += 3;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte[] raw, int from) {
    if (from + 3 > raw.length) {
      return false;
    }
    for (int i = from; i < from + 3; i++) {
      if (raw[i] < '0' || raw[i] > '7') {
        return false;
      }
    }
    return true;
  }
}
