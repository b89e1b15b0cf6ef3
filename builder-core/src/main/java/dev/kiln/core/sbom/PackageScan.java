package dev.kiln.core.sbom;

import java.io.IOException;
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
        } else if (kind == ImageFiles.Kind.REGULAR) {
          for (Cataloger c : CATALOGERS) {
            if (c.wants(path)) {
              c.read(path, files, os, found::add);
            }
          }
        }
      }
    }
    List<FoundPackage> sorted = new ArrayList<>(found);
    sorted.sort(FoundPackage.ORDER);
    return sorted;
  }
}
