package dev.kiln.core.layer;

import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A comparable description of a directory tree (type, mode, owner, size, content digest, link
 * target, device number, mtime, xattrs per path), to compare what kiln extracted with what GNU tar
 * and umoci extracted from the same layer.
 */
final class TreeSnapshot {
  private TreeSnapshot() {}

  /** One line per path below {@code root}, by path. */
  static Map<String, String> of(Path root, boolean withDirectoryTimes) throws IOException {
    Map<String, Map<String, byte[]>> xattrs = ExtendedAttributes.readTree(root.toAbsolutePath());
    Map<String, String> result = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        if (p.equals(root)) {
          continue;
        }
        Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        StringBuilder s = new StringBuilder();
        s.append(String.format("%06o", mode))
            .append(' ')
            .append(a.get("uid"))
            .append(':')
            .append(a.get("gid"));
        boolean directory = (Boolean) a.get("isDirectory");
        if (!directory || withDirectoryTimes) {
          s.append(" mtime=")
              .append(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis() / 1000);
        }
        if ((Boolean) a.get("isRegularFile")) {
          s.append(" size=").append(a.get("size"));
          s.append(" sha256=").append(Digest.sha256(Files.readAllBytes(p)).shortHex());
          s.append(" nlink=").append(a.get("nlink"));
        } else if ((Boolean) a.get("isSymbolicLink")) {
          s.append(" -> ").append(Files.readSymbolicLink(p));
        } else if ((Boolean) a.get("isOther")) {
          s.append(" rdev=").append(a.get("rdev"));
        }
        Map<String, byte[]> x = xattrs.getOrDefault(p.toAbsolutePath().toString(), Map.of());
        new TreeMap<>(x)
            .forEach(
                (k, v) ->
                    s.append(' ').append(k).append("=0x").append(HexFormat.of().formatHex(v)));
        result.put(root.relativize(p).toString(), s.toString());
      }
    }
    return result;
  }
}
