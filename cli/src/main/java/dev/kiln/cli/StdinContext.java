package dev.kiln.cli;

import dev.kiln.api.request.ContextArchive;
import dev.kiln.api.request.RequestException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * The build context {@code -}, as buildx reads it: a tar archive on stdin (plain, gzip or bzip2) is
 * unpacked ({@link ContextArchive}) into a temporary directory that becomes the context; anything
 * else on stdin is the Dockerfile itself, with an empty context. The directory is deleted by {@link
 * #close}.
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
    BufferedInputStream in = new BufferedInputStream(stream, 1 << 16);
    in.mark(512);
    byte[] head = in.readNBytes(512);
    in.reset();
    Path dir = Files.createTempDirectory("kiln-context-");
    try {
      InputStream tar = archive(in, head, source);
      if (tar == null) {
        byte[] dockerfile = in.readNBytes((int) FetchedContextFiles.MAX_BYTES + 1);
        if (dockerfile.length > FetchedContextFiles.MAX_BYTES) {
          throw new RequestException(
              source
                  + " is neither a tar archive nor a Dockerfile of at most "
                  + (FetchedContextFiles.MAX_BYTES >> 20)
                  + " MiB",
              "give a tar archive of the context, or the Dockerfile itself");
        }
        return new StdinContext(dir, dockerfile);
      }
      ContextArchive.unpack(tar, dir, source);
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
