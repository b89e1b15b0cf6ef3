package dev.kiln.core.sbom;

import dev.kiln.core.fs.LayerBytes;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.layer.EntryType;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The files of an image as the package scan reads them: names relative to the root without a
 * leading slash ({@code var/lib/dpkg/status}), never following symlinks (a package database is a
 * regular file where its tool writes it).
 */
public interface ImageFiles {
  /** What the scan distinguishes. */
  enum Kind {
    DIRECTORY,
    REGULAR,
    OTHER
  }

  /** The names directly inside directory {@code dir} ({@code ""} is the root), sorted. */
  List<String> children(String dir);

  /** What is at {@code path}, if anything. */
  Optional<Kind> kind(String path);

  /** The size of the regular file at {@code path}. */
  long size(String path);

  /** The bytes of the regular file at {@code path}. */
  InputStream open(String path) throws IOException;

  /**
   * The regular file on disk that holds {@code path}'s bytes, when there is one (an unpacked
   * layer's), for readers that want random access; empty means: read {@link #open}.
   */
  default Optional<java.nio.file.Path> file(String path) throws IOException {
    return Optional.empty();
  }

  /** Receives one file's bytes during {@link #readEach}. */
  interface FileReader {
    /** Reads (any part of) {@code content}; it is valid only during the call. */
    void read(String path, InputStream content) throws IOException;
  }

  /**
   * Hands each regular file of {@code paths} to {@code reader}, in an order that is cheapest to
   * read (not necessarily the given one).
   */
  default void readEach(List<String> paths, FileReader reader) throws IOException {
    for (String path : paths) {
      try (InputStream in = open(path)) {
        reader.read(path, in);
      }
    }
  }

  /**
   * A stage's files, read through its layer indexes (no layer is unpacked). {@link #readEach} reads
   * the wanted files of a packed layer in one pass over it: opening them one by one would
   * decompress the layer from its start for each, which for an image of a few hundred jars is
   * minutes.
   */
  static ImageFiles of(StackView view) {
    return new ImageFiles() {
      @Override
      public List<String> children(String dir) {
        return view.children(dir);
      }

      @Override
      public Optional<Kind> kind(String path) {
        return view.get(path)
            .map(
                n ->
                    n.isDirectory()
                        ? Kind.DIRECTORY
                        : n.type() == EntryType.REGULAR ? Kind.REGULAR : Kind.OTHER);
      }

      @Override
      public long size(String path) {
        return view.get(path).map(n -> n.entry() == null ? 0L : n.entry().size()).orElse(0L);
      }

      @Override
      public InputStream open(String path) throws IOException {
        StackView.Node node =
            view.get(path).orElseThrow(() -> new IOException("no file /" + path + " in the image"));
        return node.entry().content().open();
      }

      @Override
      public Optional<java.nio.file.Path> file(String path) throws IOException {
        StackView.Node node = view.get(path).orElse(null);
        if (node == null || node.origin() == null) {
          return Optional.empty();
        }
        return node.origin().bytes().unpackedFile(node.origin().name(), node.header().size());
      }

      @Override
      public void readEach(List<String> paths, FileReader reader) throws IOException {
        Map<LayerBytes, List<String>> packed = new IdentityHashMap<>();
        List<String> alone = new ArrayList<>();
        for (String path : paths) {
          StackView.Origin origin = view.get(path).map(StackView.Node::origin).orElse(null);
          if (origin != null && !origin.bytes().isUnpacked()) {
            packed.computeIfAbsent(origin.bytes(), b -> new ArrayList<>()).add(path);
          } else {
            alone.add(path);
          }
        }
        ImageFiles.super.readEach(alone, reader);
        for (Map.Entry<LayerBytes, List<String>> layer : packed.entrySet()) {
          List<String> names = layer.getValue();
          long[] offsets = new long[names.size()];
          long[] sizes = new long[names.size()];
          for (int i = 0; i < offsets.length; i++) {
            StackView.Node node = view.get(names.get(i)).orElseThrow();
            offsets[i] = node.origin().offset();
            sizes[i] = node.header().size();
          }
          layer.getKey().readAll(offsets, sizes, (i, in) -> reader.read(names.get(i), in));
        }
      }
    };
  }
}
