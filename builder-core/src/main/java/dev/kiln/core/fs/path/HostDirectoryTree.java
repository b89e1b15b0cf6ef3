package dev.kiln.core.fs.path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * A directory on this machine as a {@link PathResolver.Tree}: each path is looked at with {@code
 * lstat}. The resolver only asks for paths whose directories it has already seen to be real
 * directories, so the JDK never follows a link on the way.
 */
public record HostDirectoryTree(Path root) implements PathResolver.Tree {
  @Override
  public PathResolver.Node lookup(String path) throws IOException {
    Path file = path.isEmpty() ? root : root.resolve(path);
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return PathResolver.Node.MISSING;
    }
    if (attributes.isSymbolicLink()) {
      return PathResolver.Node.symlink(Files.readSymbolicLink(file).toString());
    }
    return attributes.isDirectory() ? PathResolver.Node.DIRECTORY : PathResolver.Node.OTHER;
  }

  /** The host path of a canonical path that {@link PathResolver} returned for this tree. */
  public Path hostPath(String canonical) {
    return canonical.isEmpty() ? root : root.resolve(canonical);
  }
}
