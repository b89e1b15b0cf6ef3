package dev.kiln.core.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves layer paths inside an extraction target one component at a time, the way the container
 * will see them, so that no entry can reach outside the target.
 *
 * <p>The JDK follows symlinks in every path it is given, so handing it {@code target/a/b} would
 * follow a symlink {@code a} wherever it points, including out of the target. Instead each
 * component is looked at with {@code lstat}: a directory is entered, a symlink's target is resolved
 * by this class itself (an absolute target from the target root, as inside the container; a
 * relative one from the directory holding the link), and a {@code ..} that would climb above the
 * root means the link points out, so the entry is refused. Only real directories end up in a
 * resolved path, and the entry's own last component is never followed. The target is assumed not to
 * be modified by anything else during extraction.
 */
final class ConfinedPaths {
  private static final int MAX_LINK_HOPS = 40;

  private final Path root;

  ConfinedPaths(Path root) throws IOException {
    this.root = root.toRealPath();
  }

  Path root() {
    return root;
  }

  /** The absolute path of a resolved root-relative path ("" is the root). */
  Path absolute(String relative) {
    return relative.isEmpty() ? root : root.resolve(relative);
  }

  /**
   * Resolves the directory {@code layerDirectory} ("" for the root), following symlinks inside the
   * target.
   *
   * @param entryName the tar name of the entry being applied, for error messages
   * @param create whether to create missing directories (mode 0755, owned by the extracting user)
   * @return the resolved root-relative path of the directory, or null if it does not exist and
   *     {@code create} is false
   */
  String directory(String entryName, String layerDirectory, boolean create) throws IOException {
    List<String> resolved = new ArrayList<>();
    Deque<String> pending = new ArrayDeque<>(List.of(layerDirectory.split("/")));
    int hops = 0;
    String lastLink = null;
    while (!pending.isEmpty()) {
      String part = pending.pollFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (resolved.isEmpty()) {
          throw new UnsafeLayerEntryException(
              entryName,
              "goes through symlink '" + lastLink + "', which points outside the target");
        }
        resolved.remove(resolved.size() - 1);
        continue;
      }
      String relative = join(resolved, part);
      Path path = absolute(relative);
      BasicFileAttributes attributes = lstat(path);
      if (attributes == null) {
        if (!create) {
          return null;
        }
        Files.createDirectory(path);
        Files.setAttribute(path, "unix:mode", 0755, LinkOption.NOFOLLOW_LINKS);
        resolved.add(part);
      } else if (attributes.isSymbolicLink()) {
        if (++hops > MAX_LINK_HOPS) {
          throw new LayerFormatException(
              "layer entry '" + entryName + "': too many levels of symlinks at '" + relative + "'");
        }
        lastLink = relative;
        String target = Files.readSymbolicLink(path).toString();
        if (target.startsWith("/")) {
          resolved.clear();
        }
        String[] parts = target.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
          pending.addFirst(parts[i]);
        }
      } else if (attributes.isDirectory()) {
        resolved.add(part);
      } else {
        throw new LayerFormatException(
            "layer entry '"
                + entryName
                + "' needs '"
                + relative
                + "' to be a directory, but it is a file in the target");
      }
    }
    return String.join("/", resolved);
  }

  /** {@code lstat}: the attributes of {@code path} itself, or null if nothing is there. */
  static BasicFileAttributes lstat(Path path) throws IOException {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  static String join(List<String> parts, String last) {
    return parts.isEmpty() ? last : String.join("/", parts) + "/" + last;
  }
}
