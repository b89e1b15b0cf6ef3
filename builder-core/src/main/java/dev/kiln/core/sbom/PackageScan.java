package dev.kiln.core.sbom;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Lists the packages in an image's files: one walk over the tree (iterative, so depth costs no
 * stack), each regular file offered by path to the catalogers (Debian, Alpine, Java, npm, Python),
 * and only the files one wants are opened. Virtual file systems a runtime mounts ({@code /proc},
 * {@code /sys}, {@code /dev}) are skipped. The result is sorted and free of duplicates, so the same
 * files give the same list.
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
        } else if (kind == ImageFiles.Kind.REGULAR
            && CATALOGERS.stream().anyMatch(c -> c.wants(path))) {
          wanted.add(path);
        }
      }
    }
    // Read after the walk, all at once: the files of one layer then cost one pass over it.
    files.readEach(
        wanted,
        (path, content) -> {
          ImageFiles one = new OneFileOpen(files, path, content);
          for (Cataloger c : CATALOGERS) {
            if (c.wants(path)) {
              c.read(path, one, os, found::add);
              break; // the bytes are read once
            }
          }
        });
    List<FoundPackage> sorted = new ArrayList<>(found);
    sorted.sort(FoundPackage.ORDER);
    return sorted;
  }

  /** The image's files, where {@code path} opens as the bytes being read now. */
  private record OneFileOpen(ImageFiles files, String path, InputStream content)
      implements ImageFiles {
    @Override
    public List<String> children(String dir) {
      return files.children(dir);
    }

    @Override
    public java.util.Optional<Kind> kind(String p) {
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
  }
}
