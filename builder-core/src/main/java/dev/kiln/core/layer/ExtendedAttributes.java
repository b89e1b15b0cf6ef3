package dev.kiln.core.layer;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.host.XattrPrograms;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes extended attributes of every namespace with the {@code getfattr} and {@code
 * setfattr} commands (Debian package {@code attr}), or only the {@code user.*} ones through the JDK
 * ({@link UserXattrs}) when those are not installed ({@link XattrPrograms}): then other attributes
 * read as absent and setting one does nothing, which the build announces once.
 *
 * <p>The JDK's {@code UserDefinedFileAttributeView} only reaches the {@code user.} namespace (it
 * adds the prefix itself), so {@code security.capability}, the attribute that matters most in
 * images (e.g. {@code ping}'s {@code cap_net_raw}), is out of its reach, as are {@code trusted.*}
 * attributes. Values travel as hex, so binary values are exact. Links are never followed ({@code
 * -h}).
 */
final class ExtendedAttributes {
  private static final String PACKAGE = "attr";

  private ExtendedAttributes() {}

  /** Sets one attribute on {@code path} itself (not a symlink's target). */
  static void set(Path path, String name, byte[] value) throws IOException {
    if (!XattrPrograms.installed()) {
      if (UserXattrs.reaches(name)) {
        UserXattrs.set(path, name, value);
      }
      return;
    }
    String hex = value.length == 0 ? "" : "0x" + HexFormat.of().formatHex(value);
    HostCommand.of("setfattr", "-h", "-n", name, "-v", hex, "--", path.toString())
        .providedBy(PACKAGE)
        .run()
        .requireSuccess("set xattr " + name + " on " + path);
  }

  /** Every attribute of {@code path} itself, by full name. */
  static Map<String, byte[]> read(Path path) throws IOException {
    if (!XattrPrograms.installed()) {
      return UserXattrs.read(path);
    }
    byte[] out =
        HostCommand.of(
                "getfattr",
                "-h",
                "-d",
                "-m",
                "-",
                "-e",
                "hex",
                "--absolute-names",
                "--",
                path.toString())
            .providedBy(PACKAGE)
            .run()
            .requireSuccess("read the xattrs of " + path)
            .stdoutBytes();
    return parse(out).getOrDefault(path.toString(), Map.of());
  }

  /** Every attribute of every file under {@code root} (which must be absolute), by path. */
  static Map<String, Map<String, byte[]>> readTree(Path root) throws IOException {
    if (!XattrPrograms.installed()) {
      return UserXattrs.readTree(root);
    }
    byte[] out =
        HostCommand.of(
                "getfattr",
                "-R",
                "-h",
                "-d",
                "-m",
                "-",
                "-e",
                "hex",
                "--absolute-names",
                "--",
                root.toString())
            .providedBy(PACKAGE)
            .run()
            .requireSuccess("read the xattrs under " + root)
            .stdoutBytes();
    return parse(out);
  }

  /**
   * Parses {@code getfattr -d -e hex} output: {@code # file: PATH} then {@code name=0xHEX} lines.
   */
  static Map<String, Map<String, byte[]>> parse(byte[] output) throws IOException {
    Map<String, Map<String, byte[]>> result = new HashMap<>();
    Map<String, byte[]> current = null;
    for (String line : new String(output, StandardCharsets.UTF_8).split("\n")) {
      if (line.isEmpty()) {
        current = null;
      } else if (line.startsWith("# file: ")) {
        current = new TreeMap<>();
        result.put(unescape(line.substring("# file: ".length())), current);
      } else if (current != null) {
        int eq = line.indexOf('=');
        if (eq < 0) {
          current.put(unescape(line), new byte[0]);
          continue;
        }
        String value = line.substring(eq + 1);
        if (!value.startsWith("0x")) {
          throw new IOException("unexpected getfattr output: " + line);
        }
        current.put(unescape(line.substring(0, eq)), HexFormat.of().parseHex(value.substring(2)));
      }
    }
    return result;
  }

  // getfattr writes control characters and backslashes in names as \ooo octal escapes.
  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    byte[] raw = s.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\\'
          && i + 3 < raw.length
          && isOctal(raw[i + 1])
          && isOctal(raw[i + 2])
          && isOctal(raw[i + 3])) {
        out.write(((raw[i + 1] - '0') << 6) | ((raw[i + 2] - '0') << 3) | (raw[i + 3] - '0'));
        i += 3;
      } else {
        out.write(raw[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte b) {
    return b >= '0' && b <= '7';
  }
}
