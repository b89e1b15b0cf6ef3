package dev.kiln.cli;

import dev.kiln.api.request.RequestException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The build context {@code -}, as buildx reads it: a tar archive on stdin (plain, gzip or bzip2) is
 * unpacked into a temporary directory that becomes the context; anything else on stdin is the
 * Dockerfile itself, with an empty context. The directory is deleted by {@link #close}.
 *
 * @param dir the context directory
 * @param dockerfile the Dockerfile read from stdin, or null when stdin was an archive
 */
record StdinContext(Path dir, byte[] dockerfile) implements AutoCloseable {

  static StdinContext read(InputStream stdin) throws IOException {
    return read(stdin, "the context on stdin");
  }

  /**
   * The context {@code stream} holds, as for stdin; {@code source} names it in errors ({@code the
   * context on stdin}, {@code the context http://…}).
   */
  static StdinContext read(InputStream stream, String source) throws IOException {
    InputStream stdin = stream;
    BufferedInputStream in = new BufferedInputStream(stdin, 1 << 16);
    in.mark(512);
    byte[] head = in.readNBytes(512);
    in.reset();
    Path dir = Files.createTempDirectory("kiln-context-");
    try {
      InputStream tar = archive(in, head, source);
      if (tar == null) {
        return new StdinContext(dir, in.readAllBytes());
      }
      unpack(tar, dir, source);
      return new StdinContext(dir, null);
    } catch (IOException | RuntimeException e) {
      delete(dir);
      throw e;
    }
  }

  /** The archive stream, decompressed, or null when stdin is not an archive. */
  private static InputStream archive(InputStream in, byte[] head, String source)
      throws IOException {
    if (head.length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
      return new GzipCompressorInputStream(in, true);
    }
    if (head.length >= 3 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h') {
      return new BZip2CompressorInputStream(in, true);
    }
    if (head.length >= 4
        && (((head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X')
            || ((head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5))) {
      throw new RequestException(
          source + " is xz or zstd compressed, which kiln does not read",
          "send a plain, gzip or bzip2 tar (e.g. tar -cz . | kiln build -)");
    }
    boolean ustar =
        head.length >= 262
            && head[257] == 'u'
            && head[258] == 's'
            && head[259] == 't'
            && head[260] == 'a'
            && head[261] == 'r';
    return ustar ? in : null;
  }

  private static void unpack(InputStream raw, Path dir, String source) throws IOException {
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
   * an existing component that is a symlink, or not a directory, makes {@code entry} an error.
   */
  private static void directoriesTo(Path root, Path dir, String entry, String source)
      throws IOException {
    Path at = root;
    for (Path part : root.relativize(dir)) {
      at = at.resolve(part);
      if (Files.isSymbolicLink(at)) {
        throw outside(entry, source);
      }
      if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectory(at);
      }
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

  @Override
  public void close() throws IOException {
    delete(dir);
  }

  static void delete(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          p.toFile().setWritable(true);
        }
        Files.deleteIfExists(p);
      }
    }
  }
}
