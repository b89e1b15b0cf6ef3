package dev.kiln.core.fs;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** A small uncompressed layer made in memory, as a stack view reads it. */
record TestLayer(byte[] tar, LayerRef ref) implements StackView.LayerSource {
  /** One tar entry: type 0 file, 1 hard link, 2 symlink, 5 directory, 6 FIFO. */
  record E(String name, char type, String target, String content, int mode) {
    static E file(String name, String content) {
      return new E(name, '0', "", content, 0644);
    }

    static E dir(String name) {
      return new E(name, '5', "", "", 0755);
    }

    static E link(String name, String target) {
      return new E(name, '2', target, "", 0777);
    }

    static E hard(String name, String target) {
      return new E(name, '1', target, "", 0644);
    }

    static E whiteout(String hidden) {
      int slash = hidden.lastIndexOf('/');
      return file(hidden.substring(0, slash + 1) + ".wh." + hidden.substring(slash + 1), "");
    }

    static E opaque(String dir) {
      return file(dir + "/.wh..wh..opq", "");
    }
  }

  static TestLayer of(E... entries) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (E e : entries) {
        TarArchiveEntry t = new TarArchiveEntry(e.name(), (byte) e.type(), true);
        byte[] content = e.content().getBytes(StandardCharsets.UTF_8);
        t.setMode(e.mode());
        t.setLinkName(e.target());
        t.setSize(e.type() == '0' ? content.length : 0);
        tar.putArchiveEntry(t);
        if (e.type() == '0') {
          tar.write(content);
        }
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] tar = bytes.toByteArray();
    Digest digest = Digest.sha256(tar);
    return new TestLayer(
        tar,
        new LayerRef(
            Descriptor.of("application/vnd.oci.image.layer.v1.tar", digest, tar.length), digest));
  }

  BlobSource blobs() {
    return d -> new ByteArrayInputStream(tar);
  }

  InputStream open() {
    return new ByteArrayInputStream(tar);
  }

  @Override
  public LayerIndex index() throws IOException {
    try (LayerReader reader = LayerReader.open(open())) {
      return LayerIndex.of(reader);
    }
  }

  @Override
  public LayerBytes bytes() {
    return new LayerBytes(ref, blobs(), Optional::empty);
  }

  @Override
  public Digest diffId() {
    return ref.diffId();
  }

  static StackView stack(List<TestLayer> layers) {
    StackView view = StackView.empty();
    for (TestLayer l : layers) {
      view = view.withLayer(l);
    }
    return view;
  }
}
