package dev.kiln.core.layer;

import dev.kiln.registry.model.Compression;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;

/**
 * The uncompressed bytes of a layer blob, in which a damaged gzip or zstd stream (corrupt,
 * truncated, not gzip after all) fails as a {@link LayerFormatException} naming the compression,
 * while a failure to read the blob itself (a disk or network error) passes through unchanged: the
 * first is the layer's fault, the second is not.
 */
final class DecompressedStream extends FilterInputStream {
  private static final int BUFFER = 64 * 1024;

  private final Source source;
  private final Compression compression;

  private DecompressedStream(InputStream codec, Source source, Compression compression) {
    super(codec);
    this.source = source;
    this.compression = compression;
  }

  /** The uncompressed stream of {@code blob}; it owns {@code blob} and closes it. */
  static InputStream of(InputStream blob, Compression compression) throws IOException {
    if (compression == Compression.NONE) {
      return blob;
    }
    Source source = new Source(blob);
    try {
      InputStream codec =
          compression == Compression.GZIP
              ? new GZIPInputStream(source, BUFFER)
              : new ZstdCompressorInputStream(source);
      return new BufferedInputStream(new DecompressedStream(codec, source, compression), BUFFER);
    } catch (IOException e) {
      blob.close();
      throw source.isItsFailure(e) ? e : damaged(compression, e);
    }
  }

  @Override
  public int read() throws IOException {
    try {
      return in.read();
    } catch (IOException e) {
      throw translated(e);
    }
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    try {
      return in.read(b, off, len);
    } catch (IOException e) {
      throw translated(e);
    }
  }

  @Override
  public long skip(long n) throws IOException {
    try {
      return in.skip(n);
    } catch (IOException e) {
      throw translated(e);
    }
  }

  private IOException translated(IOException e) {
    return source.isItsFailure(e) || e instanceof LayerFormatException
        ? e
        : damaged(compression, e);
  }

  private static LayerFormatException damaged(Compression compression, IOException e) {
    return new LayerFormatException(
        "the layer's "
            + compression.label()
            + " stream is corrupt or truncated: "
            + LayerFormatException.excerpt(String.valueOf(e.getMessage())),
        e);
  }

  /** The compressed blob, remembering the last failure it raised itself. */
  private static final class Source extends FilterInputStream {
    private volatile IOException failure;

    Source(InputStream in) {
      super(in);
    }

    boolean isItsFailure(IOException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t == failure) {
          return true;
        }
      }
      return false;
    }

    @Override
    public int read() throws IOException {
      try {
        return in.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return in.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return in.skip(n);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int available() throws IOException {
      try {
        return in.available();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }
}
