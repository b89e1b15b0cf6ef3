package dev.kiln.core.fs;

import dev.kiln.core.fs.path.HostDirectoryTree;
import dev.kiln.core.fs.path.PathEscapeException;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.fs.path.SymlinkLoopException;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.VerifiedTar;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The bytes of one layer's files, found by what its {@link LayerIndex} says: from the layer's
 * unpacked directory when the store has one (a RUN unpacked it, or it was a RUN's own changes),
 * else by reading the layer's uncompressed tar up to the file's offset.
 *
 * <p>The offsets come from the layer's index, which {@link LayerIndexStore#get} hands out only once
 * this layer's blob is known to have the diffID the index (and the directory) is kept under.
 *
 * <p>A file in the unpacked directory is found by resolving its name inside that directory with the
 * {@link PathResolver} (never leaving it, never following its last component) and used only when it
 * is a regular file of the indexed size; anything else reads the blob.
 */
public final class LayerBytes {
  private final LayerRef layer;
  private final BlobSource blobs;
  private final Supplier<Optional<Path>> unpacked;
  private final VerifiedBlobs verified;

  /**
   * Bytes whose layer is checked by whoever hands out its index, and whose full reads record no
   * fact in a store (a layer read outside a build).
   *
   * @param unpacked the layer's unpacked directory, if one exists at the time of asking
   */
  public LayerBytes(LayerRef layer, BlobSource blobs, Supplier<Optional<Path>> unpacked) {
    this(layer, blobs, unpacked, VerifiedBlobs.inMemory());
  }

  /**
   * @param unpacked the layer's unpacked directory, if one exists at the time of asking
   * @param verified where a full read of the blob records that it has its diffID
   */
  public LayerBytes(
      LayerRef layer, BlobSource blobs, Supplier<Optional<Path>> unpacked, VerifiedBlobs verified) {
    this.layer = layer;
    this.blobs = blobs;
    this.unpacked = unpacked;
    this.verified = verified;
  }

  /** The layer these bytes are of. */
  public LayerRef layer() {
    return layer;
  }

  /** The bytes of entry {@code name}, {@code size} long, at {@code offset} in the tar. */
  public InputStream open(String name, long offset, long size) throws IOException {
    Optional<Path> dir = unpacked.get();
    if (dir.isPresent()) {
      Optional<Path> file = inDirectory(dir.get(), name, size);
      if (file.isPresent()) {
        return Files.newInputStream(file.get(), LinkOption.NOFOLLOW_LINKS);
      }
    }
    return fromTar(name, offset, size);
  }

  /**
   * Entry {@code name} as a file of the layer's unpacked directory, when the store has one and the
   * file there is the indexed regular file of {@code size} bytes (a reader that wants random
   * access, such as a zip's central directory, then needs no copy).
   */
  public Optional<Path> unpackedFile(String name, long size) throws IOException {
    Optional<Path> dir = unpacked.get();
    return dir.isPresent() ? inDirectory(dir.get(), name, size) : Optional.empty();
  }

  /**
   * The bytes of entry {@code name} read from the layer's tar, which is decompressed up to them.
   */
  private InputStream fromTar(String name, long offset, long size) throws IOException {
    InputStream tar = LayerReader.uncompressed(blobs.open(layer.blob()));
    try {
      tar.skipNBytes(offset);
    } catch (IOException e) {
      tar.close();
      throw new IOException(
          "cannot read '" + name + "' from layer " + layer.diffId() + ": " + e.getMessage(), e);
    }
    return new Limited(tar, size);
  }

  /** Whether files can be opened one by one cheaply (the layer is unpacked in the store). */
  public boolean isUnpacked() {
    return unpacked.get().isPresent();
  }

  /** One file to copy out of the layer: {@code size} bytes at {@code offset}, into {@code file}. */
  public record Extract(long offset, long size, Path file) {}

  /**
   * Copies several files out of the layer's tar in one pass (ordered by offset), so reading N files
   * of a layer costs one read of the layer, not N.
   */
  public void extractAll(List<Extract> files) throws IOException {
    List<Extract> ordered = new ArrayList<>(files);
    ordered.sort(Comparator.comparingLong(Extract::offset));
    try (InputStream tar = LayerReader.uncompressed(blobs.open(layer.blob()))) {
      long position = 0;
      for (Extract x : ordered) {
        if (x.offset() < position) {
          // The same bytes twice (two hard-linked names): copy the first file.
          throw new IOException("overlapping extracts in layer " + layer.diffId());
        }
        tar.skipNBytes(x.offset() - position);
        try (OutputStream out = Files.newOutputStream(x.file())) {
          copy(tar, out, x.size());
        }
        position = x.offset() + x.size();
      }
    }
  }

  /** Receives one file's bytes during {@link #readAll}. */
  public interface FileVisitor {
    /**
     * Reads (any part of) file {@code index}'s bytes; the stream is valid only during the call and
     * need not be read to its end or closed.
     */
    void visit(int index, InputStream content) throws IOException;
  }

  /**
   * Hands several files' bytes to {@code visitor}, reading the layer's tar once in offset order, so
   * that reading N files of a packed layer costs one decompression of it, not N (each {@link #open}
   * of a packed layer decompresses it from the start). A file whose bytes another file of the list
   * already covered (a hard link) is opened on its own.
   *
   * @param offsets where each file's bytes start in the uncompressed tar
   * @param sizes each file's size
   * @throws dev.kiln.core.layer.DiffIdMismatchException if the layer's bytes are not its diffID
   *     (found after the visitor saw them: keep nothing it learnt)
   */
  public void readAll(long[] offsets, long[] sizes, FileVisitor visitor) throws IOException {
    Integer[] order = new Integer[offsets.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, Comparator.comparingLong(i -> offsets[i]));
    List<Integer> again = new ArrayList<>();
    // What the visitor learns is kept under the layer's diffID (its package facts): the rest of
    // the tar is read and hashed too, and a layer whose bytes are not the diffID fails here.
    try (VerifiedTar tar =
        VerifiedTar.open(
            blobs.open(layer.blob()), blobs.imageName(), layer.blob().digest(), layer.diffId())) {
      long position = 0;
      for (int i : order) {
        if (offsets[i] < position) {
          again.add(i);
          continue;
        }
        tar.skipNBytes(offsets[i] - position);
        Limited content = new Limited(new NotClosing(tar), sizes[i]);
        visitor.visit(i, content);
        tar.skipNBytes(content.left);
        position = offsets[i] + sizes[i];
      }
      tar.verify();
    }
    verified.record(layer.blob().digest(), layer.diffId());
    for (int i : again) {
      try (InputStream in = fromTar("file " + i, offsets[i], sizes[i])) {
        visitor.visit(i, in);
      }
    }
  }

  /** A stream whose close leaves the one below open (the tar stays readable for the next file). */
  private static final class NotClosing extends FilterInputStream {
    NotClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("layer ends inside a file");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static Optional<Path> inDirectory(Path dir, String name, long size) throws IOException {
    PathResolver.Resolution r;
    try {
      r = PathResolver.resolve(new HostDirectoryTree(dir), name, false, PathResolver.Escape.REFUSE);
    } catch (PathEscapeException | SymlinkLoopException e) {
      return Optional.empty();
    }
    if (!r.found()) {
      return Optional.empty();
    }
    Path file = dir.resolve(r.path());
    BasicFileAttributes a =
        Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    return a.isRegularFile() && a.size() == size ? Optional.of(file) : Optional.empty();
  }

  /** The first {@code size} bytes of a stream. */
  private static final class Limited extends FilterInputStream {
    private long left;

    Limited(InputStream in, long size) {
      super(in);
      this.left = size;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, left));
      left -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), left);
    }
  }
}
