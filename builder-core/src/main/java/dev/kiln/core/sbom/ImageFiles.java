package dev.kiln.core.sbom;

import dev.kiln.core.fs.StackView;
import dev.kiln.core.layer.EntryType;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
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

  /** A stage's files, read through its layer indexes (no layer is unpacked). */
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
    };
  }
}
