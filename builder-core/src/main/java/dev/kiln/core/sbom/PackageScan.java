package dev.kiln.core.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Lists the packages in an image's files: one walk over the tree (iterative, so depth costs no
 * stack), each regular file offered by path to the catalogers (Debian, Alpine, Java, npm, Python),
 * and only the files one wants are opened. Virtual file systems a runtime mounts ({@code /proc},
 * {@code /sys}, {@code /dev}) are skipped. The result is sorted and free of duplicates, so the same
 * files give the same list. {@link LayeredPackageScan} gives the same list for a stage's layers,
 * reading each layer once in the store's life.
 */
public final class PackageScan {
  private static final Set<String> SKIPPED = Set.of("proc", "sys", "dev");
  private static final List<Cataloger> CATALOGERS =
      List.of(
          new DpkgStatus(),
          new ApkInstalled(),
          new JavaArchives(),
          new NpmPackages(),
          new PythonDistributions());

  private PackageScan() {}

  public static List<FoundPackage> scan(ImageFiles files) throws IOException {
    OsRelease os = OsRelease.read(files);
    Set<FoundPackage> found = new LinkedHashSet<>();
    read(files, wanted(files), os, found::add);
    return sorted(found);
  }

  static List<FoundPackage> sorted(Set<FoundPackage> found) {
    List<FoundPackage> sorted = new ArrayList<>(found);
    sorted.sort(FoundPackage.ORDER);
    return sorted;
  }

  /** The cataloger that reads the file at {@code path}, if any wants it. */
  static Optional<Cataloger> catalogerFor(String path) {
    for (Cataloger c : CATALOGERS) {
      if (c.wants(path)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }

  /** The regular files of the image a cataloger wants, found by one walk of the tree. */
  static List<String> wanted(ImageFiles files) {
    List<String> wanted = new ArrayList<>();
    Deque<String> dirs = new ArrayDeque<>();
    dirs.push("");
    while (!dirs.isEmpty()) {
      String dir = dirs.pop();
      for (String name : files.children(dir)) {
        String path = dir.isEmpty() ? name : dir + "/" + name;
        if (dir.isEmpty() && SKIPPED.contains(name)) {
          continue;
        }
        ImageFiles.Kind kind = files.kind(path).orElse(ImageFiles.Kind.OTHER);
        if (kind == ImageFiles.Kind.DIRECTORY) {
          dirs.push(path);
        } else if (kind == ImageFiles.Kind.REGULAR && catalogerFor(path).isPresent()) {
          wanted.add(path);
        }
      }
    }
    return wanted;
  }

  /** Reads {@code paths} all at once: the files of one layer then cost one pass over it. */
  static void read(ImageFiles files, List<String> paths, OsRelease os, Consumer<FoundPackage> found)
      throws IOException {
    files.readEach(
        paths,
        (path, content) -> {
          Optional<Cataloger> c = catalogerFor(path);
          if (c.isPresent()) {
            c.get().read(path, new OneFileOpen(files, path, content), os, found);
          }
        });
  }

  /** The image's files, where {@code path} opens as the bytes being read now. */
  private record OneFileOpen(ImageFiles files, String path, InputStream content)
      implements ImageFiles {
    @Override
    public List<String> children(String dir) {
      return files.children(dir);
    }

    @Override
    public Optional<Kind> kind(String p) {
      return files.kind(p);
    }

    @Override
    public long size(String p) {
      return files.size(p);
    }

    @Override
    public InputStream open(String p) throws IOException {
      return p.equals(path) ? content : files.open(p);
    }

    @Override
    public Optional<Path> file(String p) throws IOException {
      return files.file(p);
    }
  }
}
