package dev.kiln.core.snapshot;

import dev.kiln.core.snapshot.SnapshotDiff.Change;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every entry of a tree with what a layer records about it (content as a hash), and the check that
 * a diff applied to the tree before a step gives the tree after it: nothing the step changed is
 * missing from the diff, and nothing the diff claims is wrong.
 */
final class TreeListing {
  private TreeListing() {}

  record Entry(FileStat.FileType type, int mode, int uid, int gid, String mtime, String content) {}

  static Map<String, Entry> of(Path root) {
    Map<String, Entry> entries = new TreeMap<>();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                throws IOException {
              if (!dir.equals(root)) {
                entries.put(root.relativize(dir).toString(), describe(dir));
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              entries.put(root.relativize(file).toString(), describe(file));
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return entries;
  }

  static Entry describe(Path path) throws IOException {
    FileStat stat = FileStat.of(path);
    String content;
    switch (stat.type()) {
      case REGULAR:
        content = sha256(path);
        break;
      case SYMLINK:
        content = "-> " + stat.linkTarget();
        break;
      case CHAR_DEVICE:
      case BLOCK_DEVICE:
        content = "dev " + stat.rdev();
        break;
      default:
        content = "";
    }
    return new Entry(
        stat.type(), stat.mode(), stat.uid(), stat.gid(), stat.mtime().toString(), content);
  }

  /** The tree {@code before} with {@code diff} applied, as a layer applier would. */
  static Map<String, Entry> apply(Map<String, Entry> before, SnapshotDiff diff) {
    TreeMap<String, Entry> tree = new TreeMap<>(before);
    for (Change change : diff.changes()) {
      String p = change.path();
      switch (change.kind()) {
        case DELETED:
          tree.remove(p);
          removeChildren(tree, p);
          break;
        case OPAQUE_DIR:
          removeChildren(tree, p);
          tree.put(p, describeUnchecked(change.source().orElseThrow()));
          break;
        default:
          Entry entry = describeUnchecked(change.source().orElseThrow());
          if (entry.type() != FileStat.FileType.DIRECTORY) {
            removeChildren(tree, p);
          }
          tree.put(p, entry);
      }
    }
    return tree;
  }

  private static void removeChildren(TreeMap<String, Entry> tree, String dir) {
    tree.subMap(dir + "/", dir + "/\uffff").clear();
  }

  private static Entry describeUnchecked(Path path) {
    try {
      return describe(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String sha256(Path file) throws IOException {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
