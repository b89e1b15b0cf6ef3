package dev.kiln.testdata.files;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;

/**
 * Files that are not regular files, directories or symlinks, for tests of code that must never open
 * them: a FIFO (opening it for reading blocks until a writer comes), a unix socket, a device. The
 * JDK can make only the socket, so the others come from {@code mkfifo} and {@code mknod}.
 */
public final class SpecialFiles {
  private SpecialFiles() {}

  /** Makes a FIFO at {@code path} with mode {@code mode}. */
  public static Path fifo(Path path, int mode) {
    ProcessRunner.run(List.of("mkfifo", "-m", Integer.toOctalString(mode), path.toString()))
        .requireSuccess();
    return path;
  }

  /**
   * Makes a unix socket file at {@code path} with mode {@code mode}. The socket is closed at once:
   * the file stays (the JDK does not remove it) and nothing listens on it.
   */
  public static Path socket(Path path, int mode) {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(path));
      // By path (chmod), not by opening it (fchmod), which a socket refuses.
      Files.setAttribute(path, "unix:mode", mode);
      return path;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Makes a character device at {@code path} (needs root, or CAP_MKNOD). */
  public static Path charDevice(Path path, int major, int minor, int mode) {
    ProcessRunner.run(
            List.of(
                "mknod",
                "-m",
                Integer.toOctalString(mode),
                path.toString(),
                "c",
                Integer.toString(major),
                Integer.toString(minor)))
        .requireSuccess();
    return path;
  }

  /**
   * Lets any thread blocked opening the FIFO at {@code fifo} for reading go on: opening it for
   * reading and writing never blocks on Linux and counts as the writer the reader waits for. A test
   * calls this after a failure, so a blocked thread of the code under test does not outlive it.
   */
  public static void releaseReaders(Path fifo) {
    if (!Files.exists(fifo, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (RandomAccessFile both = new RandomAccessFile(fifo.toFile(), "rw")) {
      // Opening is all it takes; closing then gives the reader an end of file.
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
