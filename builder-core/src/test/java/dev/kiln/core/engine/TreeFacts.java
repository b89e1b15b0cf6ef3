package dev.kiln.core.engine;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What every path of an unpacked root filesystem is, as {@code lstat} and {@code getfattr} see it:
 * type, permission bits, owners, size, content hash, link target, extended attributes, and which
 * other path it is a hard link of. Two trees built by different tools compare equal when these
 * agree; times are left out on purpose.
 */
final class TreeFacts {
  private TreeFacts() {}

  /** The facts of one path. {@code hardLinkOf} is the first path (by name) sharing its inode. */
  record PathFacts(
      char type,
      int mode,
      int uid,
      int gid,
      long size,
      String sha256,
      String link,
      Map<String, String> xattrs,
      String hardLinkOf) {
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
          + (type == 'l' ? " -> " + link : "")
          + (xattrs.isEmpty() ? "" : " " + xattrs)
          + (hardLinkOf.isEmpty() ? "" : " =" + hardLinkOf);
    }
  }

  /** Every path below {@code root} (relative, sorted) with its facts. */
  static TreeMap<String, PathFacts> of(Path root) {
    Map<String, Map<String, String>> xattrs = xattrs(root);
    TreeMap<String, Map<String, Object>> stats = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (!p.equals(root)) {
          stats.put(
              root.relativize(p).toString(),
              Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<Long, String> firstByInode = new HashMap<>();
    TreeMap<String, PathFacts> out = new TreeMap<>();
    for (Map.Entry<String, Map<String, Object>> s : stats.entrySet()) {
      Map<String, Object> a = s.getValue();
      int raw = (Integer) a.get("mode");
      char type = typeOf(raw);
      String hardLinkOf = "";
      if (type == 'f' && (Integer) a.get("nlink") > 1) {
        String first = firstByInode.putIfAbsent((Long) a.get("ino"), s.getKey());
        hardLinkOf = first == null ? "" : first;
      }
      Path p = root.resolve(s.getKey());
      try {
        out.put(
            s.getKey(),
            new PathFacts(
                type,
                raw & 07777,
                (Integer) a.get("uid"),
                (Integer) a.get("gid"),
                type == 'f' ? (Long) a.get("size") : 0,
                type == 'f' ? sha256(p) : "",
                type == 'l' ? Files.readSymbolicLink(p).toString() : "",
                xattrs.getOrDefault(s.getKey(), Map.of()),
                hardLinkOf));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /** The extended attributes of one path, name → hex value (as {@code getfattr -e hex}). */
  static Map<String, String> xattrsOf(Path file) {
    Map<String, Map<String, String>> all = parseGetfattr(getfattr(List.of(file.toString())), null);
    return all.getOrDefault(file.toString(), Map.of());
  }

  /** The inode number of {@code file}, not following a final symlink. */
  static long inode(Path file) {
    try {
      return (Long) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The permission and special bits of {@code file}. */
  static int mode(Path file) {
    try {
      return (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code uid:gid} of {@code file}. */
  static String owner(Path file) {
    try {
      Map<String, Object> a = Files.readAttributes(file, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
      return a.get("uid") + ":" + a.get("gid");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Map<String, Map<String, String>> xattrs(Path root) {
    return parseGetfattr(getfattr(List.of("-R", root.toString())), root);
  }

  private static String getfattr(List<String> targets) {
    List<String> command =
        new java.util.ArrayList<>(
            List.of("getfattr", "-h", "-d", "-m", "-", "-e", "hex", "--absolute-names"));
    command.addAll(targets);
    // getfattr exits 1 when one of many files has no attributes it may read; its output is kept.
    return ProcessRunner.run(command).stdout();
  }

  private static Map<String, Map<String, String>> parseGetfattr(String output, Path root) {
    Map<String, Map<String, String>> out = new HashMap<>();
    String current = null;
    for (String line : output.split("\n")) {
      if (line.startsWith("# file: ")) {
        String path = line.substring("# file: ".length());
        current = root == null ? path : root.relativize(Path.of(path)).toString();
      } else if (current != null && line.contains("=")) {
        int eq = line.indexOf('=');
        out.computeIfAbsent(current, k -> new TreeMap<>())
            .put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return out;
  }

  private static char typeOf(int raw) {
    return switch (raw & 0170000) {
      case 0040000 -> 'd';
      case 0120000 -> 'l';
      case 0020000 -> 'c';
      case 0060000 -> 'b';
      case 0010000 -> 'p';
      case 0140000 -> 's';
      default -> 'f';
    };
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
