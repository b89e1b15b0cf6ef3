package dev.kiln.core.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a file in an unpacked image is, as {@code lstat} sees it: the facts the end-to-end tests
 * compare (type, permission bits, owners, size, content hash, link target). Times are left out on
 * purpose; tests that care about them read them separately.
 */
record FileFacts(char type, int mode, int uid, int gid, long size, String sha256, String link) {

  /** The facts of {@code file}, not following a symlink at the end. */
  static FileFacts of(Path file) {
    try {
      Map<String, Object> a = Files.readAttributes(file, "unix:*", LinkOption.NOFOLLOW_LINKS);
      int raw = (Integer) a.get("mode");
      char type =
          switch (raw & 0170000) {
            case 0040000 -> 'd';
            case 0120000 -> 'l';
            case 0020000 -> 'c';
            case 0060000 -> 'b';
            case 0010000 -> 'p';
            default -> 'f';
          };
      long size = type == 'f' ? (Long) a.get("size") : 0;
      String link = type == 'l' ? Files.readSymbolicLink(file).toString() : "";
      String hash = type == 'f' ? sha256(file) : "";
      return new FileFacts(
          type, raw & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"), size, hash, link);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every path below {@code root} (relative, {@code /}-separated), sorted, with its facts. */
  static TreeMap<String, FileFacts> tree(Path root) {
    TreeMap<String, FileFacts> out = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> !p.equals(root))
          .forEach(p -> out.put(root.relativize(p).toString().replace('\\', '/'), of(p)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  /** {@code f 0644 0:0 12 <hash>} — short enough for assertion messages. */
  @Override
  public String toString() {
    return type
        + " "
        + String.format("%04o", mode)
        + " "
        + uid
        + ":"
        + gid
        + (type == 'f' ? " " + size + " " + sha256.substring(0, 12) : "")
        + (type == 'l' ? " -> " + link : "");
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
