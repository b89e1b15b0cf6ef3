package dev.kiln.core.output;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A stream to a file of an output whose write failures name the output ({@code dest}), not the temp
 * file being written: the JDK reports a full disk on a stream as a bare {@code IOException}.
 */
final class NamedFileStream extends FilterOutputStream {
  private final Path dest;

  NamedFileStream(OutputStream file, Path dest) {
    super(file);
    this.dest = dest;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw FileSystemFailures.at(dest, e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void flush() throws IOException {
    try {
      out.flush();
    } catch (IOException e) {
      throw FileSystemFailures.at(dest, e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      out.close();
    } catch (IOException e) {
      throw FileSystemFailures.at(dest, e);
    }
  }
}
