package dev.kiln.core.output;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where an archive output goes: a file, written to a temp file beside it and renamed only when
 * complete (so a failed build never leaves a truncated tar under the name), or stdout for {@code
 * dest=-}. A failure to write the file (a full disk) names {@code dest}, not the temp file; a
 * failure to read what goes into it (a registry, the store) keeps its own message.
 */
public final class ArchiveDestination {
  /** Writes the archive's bytes. */
  public interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private ArchiveDestination() {}

  /** Writes {@code body} to {@code dest}, or to {@code stdout} when {@code dest} is {@code -}. */
  public static void write(Path dest, OutputStream stdout, Body body) throws IOException {
    if (dest.toString().equals("-")) {
      // Closing the tar must not close the process's stdout.
      OutputStream unclosable =
          new FilterOutputStream(stdout) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
              out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
              flush();
            }
          };
      body.writeTo(unclosable);
      stdout.flush();
      return;
    }
    Path absolute = dest.toAbsolutePath();
    Path temp;
    try {
      Files.createDirectories(absolute.getParent());
      temp = TempSibling.create(absolute);
    } catch (IOException e) {
      throw FileSystemFailures.at(dest, e);
    }
    try {
      OutputStream file;
      try {
        file = Files.newOutputStream(temp);
      } catch (IOException e) {
        throw FileSystemFailures.at(dest, e);
      }
      try (OutputStream out =
          new java.io.BufferedOutputStream(new NamedFileStream(file, dest), 1 << 16)) {
        body.writeTo(out);
      }
      try {
        Files.move(
            temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw FileSystemFailures.at(dest, e);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
