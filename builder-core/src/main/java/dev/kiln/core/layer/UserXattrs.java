package dev.kiln.core.layer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code user.*} extended attributes, read and written with the JDK's {@link
 * UserDefinedFileAttributeView}: what kiln keeps of extended attributes when {@code getfattr} and
 * {@code setfattr} are not installed ({@link dev.kiln.core.host.XattrPrograms}). Names carry the
 * {@code user.} prefix here, as in getfattr's output, although the JDK leaves it out.
 *
 * <p>Only regular files and directories are looked at: Linux allows {@code user.*} attributes on
 * nothing else, and the JDK opens the file to read them, which would block on a FIFO. A file system
 * without user attributes (tmpfs before Linux 6.6) reads as having none.
 */
public final class UserXattrs {
  private static final String PREFIX = "user.";

  private UserXattrs() {}

  /** The {@code user.*} attributes of {@code path} itself, by full name, sorted. */
  public static Map<String, byte[]> read(Path path) throws IOException {
    BasicFileAttributes stat =
        Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return read(path, stat);
  }

  /** The {@code user.*} attributes of every file at or below {@code root}, by absolute path. */
  public static Map<String, Map<String, byte[]>> readTree(Path root) throws IOException {
    Map<String, Map<String, byte[]>> out = new HashMap<>();
    Files.walkFileTree(
        root.toAbsolutePath(),
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes stat)
              throws IOException {
            add(dir, stat);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes stat) throws IOException {
            add(file, stat);
            return FileVisitResult.CONTINUE;
          }

          private void add(Path file, BasicFileAttributes stat) throws IOException {
            Map<String, byte[]> attributes = read(file, stat);
            if (!attributes.isEmpty()) {
              out.put(file.toString(), attributes);
            }
          }
        });
    return out;
  }

  /** Sets {@code name} (which must start with {@code user.}) on {@code path} itself. */
  public static void set(Path path, String name, byte[] value) throws IOException {
    view(path).write(shortName(name), ByteBuffer.wrap(value));
  }

  /** Removes {@code name} (which must start with {@code user.}) from {@code path}, if it has it. */
  public static void remove(Path path, String name) throws IOException {
    UserDefinedFileAttributeView view = view(path);
    if (view.list().contains(shortName(name))) {
      view.delete(shortName(name));
    }
  }

  /** Whether {@code name} is in the namespace this class reaches. */
  public static boolean reaches(String name) {
    return name.startsWith(PREFIX) && name.length() > PREFIX.length();
  }

  private static Map<String, byte[]> read(Path path, BasicFileAttributes stat) throws IOException {
    if (!stat.isRegularFile() && !stat.isDirectory()) {
      return Map.of();
    }
    Map<String, byte[]> out = new TreeMap<>();
    UserDefinedFileAttributeView view = view(path);
    try {
      for (String name : view.list()) {
        ByteBuffer buffer = ByteBuffer.allocate(view.size(name));
        view.read(name, buffer);
        byte[] value = new byte[buffer.flip().remaining()];
        buffer.get(value);
        out.put(PREFIX + name, value);
      }
    } catch (FileSystemException e) {
      if (isUnsupported(e)) {
        return Map.of();
      }
      throw e;
    }
    return out;
  }

  private static boolean isUnsupported(FileSystemException e) {
    String reason = e.getReason() == null ? "" : e.getReason();
    return reason.contains("not supported");
  }

  private static UserDefinedFileAttributeView view(Path path) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            path, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      throw new IOException("the file system of " + path + " has no user extended attributes");
    }
    return view;
  }

  private static String shortName(String name) {
    if (!reaches(name)) {
      throw new IllegalArgumentException(name + " is not a user.* extended attribute");
    }
    return name.substring(PREFIX.length());
  }
}
