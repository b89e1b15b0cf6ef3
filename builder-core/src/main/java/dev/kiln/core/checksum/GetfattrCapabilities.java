package dev.kiln.core.checksum;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.host.HostCommandException;
import dev.kiln.core.host.XattrPrograms;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code security.capability} with the {@code getfattr} command (Debian package {@code
 * attr}), one recursive scan of a whole tree on first use, then answers from memory.
 *
 * <p>One process per tree rather than per file: a fresh 10,000-file context would otherwise start
 * 10,000 processes. The scan asks only for this one attribute ({@code -m}), so getfattr prints
 * nothing for the many files without it. It runs only when a file's checksum is not memoised, so an
 * unchanged context never starts it. Without getfattr ({@link XattrPrograms}) no file has a
 * capability, as the JDK cannot read one.
 */
public final class GetfattrCapabilities implements CapabilityReader {
  private static final String NAME = "security.capability";

  /** Files looked up one by one before scanning the whole tree instead. */
  static final int SINGLE_LOOKUPS = 8;

  private final Path root;
  private Map<String, byte[]> scanned;
  private int singles;

  /** A reader for files under {@code root} (absolute). */
  public GetfattrCapabilities(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public synchronized Optional<byte[]> capability(Path file) throws IOException {
    if (!XattrPrograms.installed()) {
      return Optional.empty();
    }
    Path absolute = file.toAbsolutePath().normalize();
    if (!absolute.startsWith(root) || (scanned == null && singles++ < SINGLE_LOOKUPS)) {
      return Optional.ofNullable(run(List.of("-h"), absolute).get(absolute.toString()));
    }
    if (scanned == null) {
      scanned = run(List.of("-R", "-h"), root);
    }
    return Optional.ofNullable(scanned.get(absolute.toString()));
  }

  private static Map<String, byte[]> run(List<String> walk, Path path) throws IOException {
    List<String> command = new java.util.ArrayList<>();
    command.add("getfattr");
    command.addAll(walk);
    command.addAll(
        List.of("-d", "-m", "^security\\.capability$", "-e", "hex", "--absolute-names", "--"));
    command.add(path.toString());
    HostCommand.Result result = HostCommand.of(command).providedBy("attr").run();
    // Exit status 1 means some file could not be read (removed meanwhile, no permission): the
    // files it did report are still right, and an unreadable file fails later when hashed.
    if (result.exitCode() > 1) {
      throw new HostCommandException(
          "cannot read file capabilities under " + path + ": " + result.describeFailure());
    }
    return parse(result.stdout());
  }

  /** Parses {@code getfattr -d -e hex} output: {@code # file: PATH} then {@code name=0xHEX}. */
  static Map<String, byte[]> parse(String output) {
    Map<String, byte[]> result = new HashMap<>();
    String current = null;
    for (String line : output.split("\n", -1)) {
      if (line.startsWith("# file: ")) {
        current = unescape(line.substring("# file: ".length()));
      } else if (current != null && line.startsWith(NAME + "=")) {
        String value = line.substring(NAME.length() + 1);
        if (value.startsWith("0x")) {
          result.put(current, HexFormat.of().parseHex(value.substring(2)));
        } else if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
          result.put(
              current,
              unescape(value.substring(1, value.length() - 1)).getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    return result;
  }

  // getfattr writes bytes outside printable ASCII and the backslash as \ooo octal escapes.
  static String unescape(String text) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] raw = text.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\\' && isOctal(raw, i + 1)) {
        bytes.write(Integer.parseInt(new String(raw, i + 1, 3, StandardCharsets.US_ASCII), 8));
        i += 3;
      } else if (raw[i] == '\\' && i + 1 < raw.length && raw[i + 1] == '\\') {
        bytes.write('\\');
        i++;
      } else {
        bytes.write(raw[i]);
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte[] raw, int from) {
    if (from + 3 > raw.length) {
      return false;
    }
    for (int k = from; k < from + 3; k++) {
      if (raw[k] < '0' || raw[k] > '7') {
        return false;
      }
    }
    return true;
  }
}
