package dev.kiln.core.step;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.rootfs.EntryPlacement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The files of another stage or image under a few paths, read straight from its layers (whiteouts
 * applied, later layers winning) with the content of regular files spooled to temp files. This is
 * what {@code COPY --from} reads: nothing is extracted with owners or device nodes, so it needs no
 * privileges, and only the selected paths are written to disk.
 *
 * <p>Paths passed in are already resolved through the image's symlinks (by its {@code StackView});
 * inside the selection symlinks are kept as they are. An entry whose name goes through a symlink of
 * an earlier entry lands where the symlink leads, and one that would leave the image that way makes
 * the whole read fail ({@link EntryPlacement}), whatever the selection.
 */
public final class LayerUnionTree implements SourceTree {
  // Natural String order keeps every directory's descendants contiguous (all share "dir/").
  private final TreeMap<String, SourceFile> files = new TreeMap<>();
  private final String description;

  private LayerUnionTree(String description) {
    this.description = description;
  }

  /**
   * Reads the entries at or below any of {@code roots} (canonical paths, "" for everything) from
   * {@code layers}, spooling content into {@code spool}.
   */
  public static LayerUnionTree read(
      List<LayerRef> layers, BlobSource blobs, List<String> roots, Path spool, String description)
      throws IOException {
    LayerUnionTree tree = new LayerUnionTree(description);
    Files.createDirectories(spool);
    // Every symlink of the union, selected or not: entries below one land where it leads.
    TreeMap<String, String> links = new TreeMap<>();
    EntryPlacement.Symlinks symlinks = links::get;
    int counter = 0;
    for (LayerRef layer : layers) {
      try (InputStream blob = blobs.open(layer.blob());
          LayerReader reader = LayerReader.open(blob)) {
        for (Optional<LayerEntry> next = reader.next(); next.isPresent(); next = reader.next()) {
          LayerEntry e = next.get();
          if (e.isOpaqueWhiteout()) {
            String dir = EntryPlacement.directory(e.path(), LayerPath.parent(e.path()), symlinks);
            tree.removeBelow(dir);
            removeBelow(links, dir);
            continue;
          }
          if (e.isWhiteout()) {
            String dir = EntryPlacement.directory(e.path(), LayerPath.parent(e.path()), symlinks);
            String hidden =
                LayerPath.child(
                    dir, LayerPath.name(e.path()).substring(LayerPath.WHITEOUT_PREFIX.length()));
            tree.files.remove(hidden);
            tree.removeBelow(hidden);
            links.remove(hidden);
            removeBelow(links, hidden);
            continue;
          }
          String path = EntryPlacement.place(e.path(), e.path(), symlinks);
          String linkTarget =
              e.type() == EntryType.HARDLINK
                  ? EntryPlacement.place(e.path(), e.linkTarget(), symlinks)
                  : e.linkTarget();
          if (e.type() == EntryType.SYMLINK) {
            links.put(path, e.linkTarget());
          } else {
            links.remove(path);
          }
          if (e.type() != EntryType.DIRECTORY) {
            removeBelow(links, path);
          }
          if (!selected(path, roots)) {
            continue;
          }
          SourceFile old = tree.files.get(path);
          if (old != null && old.isDirectory() && e.type() != EntryType.DIRECTORY) {
            tree.removeBelow(path);
          }
          ContentSource content = ContentSource.EMPTY;
          EntryType type = e.type();
          long size = e.size();
          String linkGroup = null;
          if (type == EntryType.REGULAR && size > 0) {
            Path file = spool.resolve(Integer.toString(counter++));
            try (InputStream in = e.content().open()) {
              Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            content = ContentSource.ofFile(file);
          } else if (type == EntryType.HARDLINK) {
            SourceFile target = tree.files.get(linkTarget);
            if (target == null) {
              throw new IOException(
                  "cannot copy "
                      + path
                      + " from "
                      + description
                      + ": it is a hard link to "
                      + linkTarget
                      + ", outside the copied paths; copy that path too");
            }
            type = target.type();
            size = target.size();
            content = target.content();
            linkGroup = target.linkGroup() != null ? target.linkGroup() : "layer:" + linkTarget;
            if (target.linkGroup() == null) {
              tree.files.put(linkTarget, target.withLinkGroup(linkGroup));
            }
          }
          tree.files.put(
              path,
              new SourceFile(
                  path,
                  type,
                  e.mode(),
                  e.uid(),
                  e.gid(),
                  size,
                  e.mtime(),
                  type == EntryType.SYMLINK ? e.linkTarget() : "",
                  e.devMajor(),
                  e.devMinor(),
                  e.xattrs(),
                  content,
                  linkGroup));
        }
      }
    }
    return tree;
  }

  private static void removeBelow(TreeMap<String, String> links, String dir) {
    if (dir.isEmpty()) {
      links.clear();
    } else {
      // '0' follows '/': the range holds exactly the paths below dir.
      links.subMap(dir + "/", dir + "0").clear();
    }
  }

  private static boolean selected(String path, List<String> roots) {
    for (String root : roots) {
      if (root.isEmpty() || path.equals(root) || path.startsWith(root + "/")) {
        return true;
      }
    }
    return false;
  }

  private void removeBelow(String dir) {
    if (dir.isEmpty()) {
      files.clear();
    } else {
      files.subMap(dir + "/", dir + "0").clear(); // '0' follows '/': exactly "dir/..."
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public boolean keepsOwners() {
    return true;
  }

  @Override
  public Optional<SourceFile> stat(String path, boolean follow) {
    String p = LayerPath.normalize(path);
    if (p.isEmpty()) {
      return Optional.of(rootDirectory());
    }
    SourceFile f = files.get(p);
    for (int depth = 0;
        f != null && follow && f.type() == EntryType.SYMLINK && depth < 40;
        depth++) {
      String target = f.linkTarget();
      String base = LayerPath.parent(p);
      p =
          LayerPath.normalize(
              target.startsWith("/") ? target : (base.isEmpty() ? "" : base + "/") + target);
      f = files.get(p);
    }
    if (f == null && hasChildren(p)) {
      // A directory that only lower layers created implicitly.
      return Optional.of(directory(p));
    }
    return Optional.ofNullable(f);
  }

  @Override
  public List<String> list(String dir) {
    List<String> names = new ArrayList<>();
    String prefix = dir.isEmpty() ? "" : dir + "/";
    for (String p : files.tailMap(prefix, !prefix.isEmpty()).keySet()) {
      if (!p.startsWith(prefix)) {
        break;
      }
      String rest = p.substring(prefix.length());
      if (!rest.isEmpty() && rest.indexOf('/') < 0) {
        names.add(rest);
      }
    }
    return names;
  }

  @Override
  public void walk(String dir, Consumer<SourceFile> sink) {
    String prefix = dir.isEmpty() ? "" : dir + "/";
    for (SourceFile f : files.values()) {
      if (f.path().startsWith(prefix) && !f.path().equals(dir)) {
        sink.accept(f);
      }
    }
  }

  private boolean hasChildren(String dir) {
    String prefix = dir + "/";
    String next = files.ceilingKey(prefix);
    return next != null && next.startsWith(prefix);
  }

  private static SourceFile rootDirectory() {
    return directory("");
  }

  private static SourceFile directory(String path) {
    return new SourceFile(
        path,
        EntryType.DIRECTORY,
        0755,
        0,
        0,
        0,
        0,
        "",
        0,
        0,
        java.util.Map.of(),
        ContentSource.EMPTY);
  }
}
