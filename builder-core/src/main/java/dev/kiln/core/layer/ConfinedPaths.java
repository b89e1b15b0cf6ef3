package dev.kiln.core.layer;

import dev.kiln.core.fs.path.ConfinedDirectories;
import dev.kiln.core.fs.path.HostDirectoryTree;
import dev.kiln.core.fs.path.PathEscapeException;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.fs.path.SymlinkLoopException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.OptionalInt;

/**
 * Resolves layer paths inside an extraction target one component at a time, the way the container
 * will see them, so that no entry can reach outside the target.
 *
 * <p>The JDK follows symlinks in every path it is given, so handing it {@code target/a/b} would
 * follow a symlink {@code a} wherever it points, including out of the target. Instead the one
 * {@link PathResolver} walks the directory with {@code lstat} under {@link
 * PathResolver.Escape#REFUSE}: a {@code ..} that would climb above the root means the link points
 * out, so the entry is refused. Only real directories end up in a resolved path, and the entry's
 * own last component is never followed. The target is assumed not to be modified by anything else
 * during extraction.
 */
final class ConfinedPaths {
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
    PathResolver.Resolution r;
    try {
      r =
          PathResolver.resolve(
              new HostDirectoryTree(root), layerDirectory, true, PathResolver.Escape.REFUSE);
    } catch (PathEscapeException e) {
      throw new UnsafeLayerEntryException(
          entryName, "goes through symlink '" + e.link() + "', which points outside the target");
    } catch (SymlinkLoopException e) {
      throw new LayerFormatException(
          "layer entry '"
              + entryName
              + "': too many levels of symlinks at '"
              + layerDirectory
              + "'");
    }
    switch (r.status()) {
      case FOUND:
        return r.path();
      case NOT_A_DIRECTORY:
        throw new LayerFormatException(
            "layer entry '"
                + entryName
                + "' needs '"
                + r.path()
                + "' to be a directory, but it is a file in the target");
      default:
        if (!create) {
          return null;
        }
        // Everything from the first missing component on is plain names: create them in order.
        ConfinedDirectories.create(root, r, OptionalInt.of(0755));
        return r.path();
    }
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
