package dev.kiln.api.request;

import dev.kiln.core.fs.path.ConfinedDirectories;
import dev.kiln.core.fs.path.HostDirectoryTree;
import dev.kiln.core.fs.path.PathResolver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A build context sent as a tar archive (the context {@code -} of {@code kiln build}, as buildx
 * reads it), unpacked into an empty directory that becomes the context.
 *
 * <p>Unlike a layer, an archive of a directory has no whiteouts and never lists an entry below a
 * symlink it holds: so an entry's directories are resolved with the one {@link PathResolver} over a
 * tree in which any link is an error, and the missing ones made by {@link ConfinedDirectories}. No
 * entry can write through a link an earlier entry made, inside the context or out of it.
 */
public final class ContextArchive {
  private ContextArchive() {}

  /** Unpacks the tar {@code raw} (decompressed) from stdin into the empty directory {@code dir}. */
  public static void unpack(InputStream raw, Path dir) throws IOException {
    unpack(raw, dir, "the context on stdin");
  }

  /**
   * Unpacks the tar {@code raw} (decompressed) into the empty directory {@code dir}; {@code source}
   * names the archive in errors ({@code the context on stdin}, {@code the context http://…}).
   */
  public static void unpack(InputStream raw, Path dir, String source) throws IOException {
    Path root = dir.toRealPath();
    TreeMap<Path, Integer> directoryModes = new TreeMap<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
        Path target = inside(root, e.getName(), source);
        if (target.equals(root)) {
          continue;
        }
        // Never write through a symlink an earlier entry made: the parents are made one by one
        // and none may be a link (a tar of a directory never lists entries below a symlink).
        directoriesTo(root, target.getParent(), e.getName(), source);
        if (e.isDirectory()) {
          if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectory(target);
          }
          // Applied at the end: a read-only directory must still take its entries.
          directoryModes.put(target, e.getMode());
          continue;
        } else if (e.isSymbolicLink()) {
          Files.deleteIfExists(target);
          Files.createSymbolicLink(target, Path.of(e.getLinkName()));
          continue;
        } else if (e.isLink()) {
          Path from = inside(root, e.getLinkName(), source);
          if (!Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)
              || !from.toRealPath().startsWith(root)) {
            throw new RequestException(
                source + " has a hard link to a missing file: " + e.getName(),
                "recreate the archive");
          }
          Files.deleteIfExists(target);
          Files.createLink(target, from);
          continue;
        } else if (e.isFile()) {
          Files.deleteIfExists(target);
          Files.copy(tar, target);
        } else {
          continue; // devices and FIFOs have no place in a context read from a pipe
        }
        Files.setPosixFilePermissions(target, permissions(e.getMode()));
      }
    }
    for (Map.Entry<Path, Integer> d : directoryModes.descendingMap().entrySet()) {
      if (!Files.isDirectory(d.getKey(), LinkOption.NOFOLLOW_LINKS)) {
        continue; // a later entry replaced it (with a link, whose target is not ours to chmod)
      }
      Set<PosixFilePermission> mode = permissions(d.getValue());
      mode.add(PosixFilePermission.OWNER_EXECUTE); // kiln must walk what it unpacked
      Files.setPosixFilePermissions(d.getKey(), mode);
    }
  }

  /**
   * Creates the directories from {@code root} down to {@code dir}, each without following a link:
   * an existing component that is a symlink makes {@code entry} an error, one that is not a
   * directory cannot be made into one.
   */
  private static void directoriesTo(Path root, Path dir, String entry, String source)
      throws IOException {
    HostDirectoryTree host = new HostDirectoryTree(root);
    PathResolver.Tree noLinks =
        path -> {
          PathResolver.Node node = host.lookup(path);
          if (node.kind() == PathResolver.Kind.SYMLINK) {
            throw outside(entry, source);
          }
          return node;
        };
    // dir is normalised inside root: no "..", so the resolver only walks down.
    PathResolver.Resolution r =
        PathResolver.resolve(
            noLinks, root.relativize(dir).toString(), true, PathResolver.Escape.REFUSE);
    if (r.status() == PathResolver.Status.MISSING) {
      ConfinedDirectories.create(root, r, OptionalInt.empty());
    } else if (!Files.isDirectory(host.hostPath(r.path()), LinkOption.NOFOLLOW_LINKS)) {
      // A file where a directory is needed: what mkdir says of it.
      throw new FileAlreadyExistsException(host.hostPath(r.path()).toString());
    }
  }

  /** {@code name} under {@code root}; a name that leaves it is an error, not a skip. */
  private static Path inside(Path root, String name, String source) {
    String n = name.startsWith("/") ? name.substring(1) : name;
    Path p = root.resolve(n).normalize();
    if (!p.startsWith(root)) {
      throw outside(name, source);
    }
    return p;
  }

  private static RequestException outside(String name, String source) {
    return new RequestException(
        source + " has an entry outside the context: " + name,
        "the archive cannot be used as a build context; recreate it from the context directory");
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> out = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE
    for (int i = 0; i < 9; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        out.add(bits[i]);
      }
    }
    out.add(PosixFilePermission.OWNER_READ); // kiln must read what it unpacked
    return out;
  }
}
