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
 * dest=-}.
 */
final class ArchiveDestination {
  /** Writes the archive's bytes. */
  interface Body {
    void writeTo(OutputStream out) throws IOException;
  }

  private ArchiveDestination() {}

  static void write(Path dest, OutputStream stdout, Body body) throws IOException {
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
    Files.createDirectories(absolute.getParent());
    Path temp =
        Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
    try {
      try (OutputStream out =
          new java.io.BufferedOutputStream(Files.newOutputStream(temp), 1 << 16)) {
        body.writeTo(out);
      }
      try {
        Files.move(
            temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
