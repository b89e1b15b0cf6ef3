package dev.kiln.core.output;

import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.NotLinkException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Failures of the file system, told to a person: a {@link FileSystemException} that names the path
 * the user chose (the archive, the output directory, kiln's store), never a temp file inside it,
 * and the system's reason ("No space left on device", "Read-only file system").
 *
 * <p>The JDK reports a failed stream write as a bare {@link IOException} whose message is the
 * system's text, with no path; writers that know their destination turn it into one with {@link
 * #at}. A disk that filled up is recognised by that text ({@link #isDiskFull}), the only thing the
 * JDK keeps of the {@code ENOSPC}/{@code EDQUOT} error.
 */
public final class FileSystemFailures {
  private FileSystemFailures() {}

  /** {@code cause}, as a failure of {@code path} with the same reason. */
  public static FileSystemException at(Path path, IOException cause) {
    if (cause instanceof FileSystemException f && path.toString().equals(f.getFile())) {
      return f;
    }
    FileSystemException e = new FileSystemException(path.toString(), null, reason(cause));
    e.initCause(cause);
    return e;
  }

  /**
   * {@code failure}, raised while writing to {@code place} (kiln's store, an output directory), as
   * a failure of {@code place} when it is one: a full disk that named no path (the system names
   * none for a stream), or a file-system error on a path inside {@code place}. Anything else (a
   * registry's error, a bug) is returned unchanged.
   */
  public static IOException within(Path place, IOException failure) {
    if (failure instanceof FileSystemException f && f.getFile() != null) {
      return absolute(Path.of(f.getFile())).startsWith(absolute(place)) ? at(place, f) : f;
    }
    // A registry can run out of space too; its answer is its own error, not the store's.
    boolean full = isDiskFull(failure) && !(failure instanceof RegistryException);
    return full ? at(place, failure) : failure;
  }

  private static Path absolute(Path path) {
    return path.toAbsolutePath().normalize();
  }

  /** Whether {@code failure}, or what caused it, is a file system that ran out of space. */
  public static boolean isDiskFull(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String text =
          t instanceof FileSystemException f && f.getReason() != null
              ? f.getReason()
              : t.getMessage();
      if (text != null) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (lower.contains("no space left on device") || lower.contains("disk quota exceeded")) {
          return true;
        }
      }
    }
    return false;
  }

  /** {@code PATH: reason}, e.g. {@code /mnt/out/app.tar: No space left on device}. */
  public static String describe(FileSystemException e) {
    String path = e.getOtherFile() == null ? e.getFile() : e.getFile() + " -> " + e.getOtherFile();
    return path == null ? reason(e) : path + ": " + reason(e);
  }

  /** What to do about {@code e}. */
  public static String hint(FileSystemException e) {
    String path = e.getFile() == null ? "the path" : e.getFile();
    String reason = reason(e).toLowerCase(Locale.ROOT);
    if (isDiskFull(e)) {
      return "free space on the file system that holds "
          + path
          + " (df -h "
          + path
          + "; kiln cache prune shrinks kiln's store), or use another place: -o dest=,"
          + " --cache-dir or $KILN_CACHE_DIR";
    }
    if (reason.contains("read-only file system")) {
      return path + " is on a read-only file system; choose a writable place";
    }
    if (e instanceof AccessDeniedException || reason.contains("permission denied")) {
      return "check the permissions of " + path + " and its parent directories";
    }
    return "check that " + path + " exists and that kiln may read and write it";
  }

  /** The system's reason for {@code e}, also where the JDK leaves it implied by the type. */
  public static String reason(IOException e) {
    if (e instanceof FileSystemException f) {
      if (f.getReason() != null) {
        return f.getReason();
      }
      if (f instanceof NoSuchFileException) {
        return "No such file or directory";
      }
      if (f instanceof AccessDeniedException) {
        return "Permission denied";
      }
      if (f instanceof FileAlreadyExistsException) {
        return "File exists";
      }
      if (f instanceof NotDirectoryException) {
        return "Not a directory";
      }
      if (f instanceof DirectoryNotEmptyException) {
        return "Directory not empty";
      }
      if (f instanceof NotLinkException) {
        return "Not a symbolic link";
      }
      return f.getClass().getSimpleName();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
