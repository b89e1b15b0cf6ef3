package dev.kiln.core.rootfs;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the root filesystem of a stage holds, path by path, without extracting it: built by
 * streaming the layers' tar headers in order and applying whiteouts. COPY needs it to resolve
 * destinations through symlinks ({@code /bin → usr/bin}), to know whether a destination is an
 * existing directory, and to keep the metadata of parent directories it touches; {@code --chown}
 * and {@code USER} need {@code /etc/passwd} and {@code /etc/group}, whose (small) content is kept.
 *
 * <p>The index of a stage is computed on first use and memoised; a state that only changed its
 * config shares its parent's index, so config-only instructions never read a layer.
 */
public final class RootfsIndex {
  /** Files whose content is kept while indexing, for user and group look-ups. */
  static final Set<String> KEPT_FILES = Set.of("etc/passwd", "etc/group");

  /** What the index knows of one path. */
  public record Node(EntryType type, int mode, long uid, long gid, String linkTarget, long mtime) {}

  private final RootfsIndex parent;
  private final LayerRef layer;
  private final BlobSource blobs;
  private volatile Tree computed;

  private RootfsIndex(RootfsIndex parent, LayerRef layer, BlobSource blobs) {
    this.parent = parent;
    this.layer = layer;
    this.blobs = blobs;
  }

  /** The index of an empty root filesystem ({@code FROM scratch}). */
  public static RootfsIndex empty() {
    RootfsIndex index = new RootfsIndex(null, null, null);
    index.computed = new Tree(new HashMap<>(), new HashMap<>());
    return index;
  }

  /** The index of {@code layers} read through {@code blobs}, computed when first asked. */
  public static RootfsIndex of(List<LayerRef> layers, BlobSource blobs) {
    RootfsIndex index = empty();
    for (LayerRef layer : layers) {
      index = new RootfsIndex(index, layer, blobs);
    }
    return index;
  }

  /** This index with {@code layer} applied on top (read from {@code blobs} when needed). */
  public RootfsIndex withLayer(LayerRef layer, BlobSource source) {
    return new RootfsIndex(this, layer, source);
  }

  /** This index with {@code layer} on top, read through the same blob source as this one's. */
  public RootfsIndex withLayer(LayerRef layer) {
    return new RootfsIndex(this, layer, blobs);
  }

  /** What is at {@code path} (canonical, no symlinks followed), if anything. */
  public Optional<Node> get(String path) {
    return Optional.ofNullable(tree().nodes.get(LayerPath.normalize(path)));
  }

  /** Content of {@code /etc/passwd} or {@code /etc/group}, if the image has them. */
  public Optional<byte[]> keptFile(String path) {
    return Optional.ofNullable(tree().kept.get(LayerPath.normalize(path)));
  }

  /**
   * Resolves {@code path} inside the image as the kernel would for a process chrooted into it:
   * every symlink on the way is followed (absolute targets from the image root), {@code ..} never
   * leaves the root. The last component is followed too when {@code followLast}. Returns the
   * canonical path ("" for the root), which need not exist.
   *
   * @throws IOException on a symlink loop
   */
  public String resolve(String path, boolean followLast) throws IOException {
    List<String> pending = new ArrayList<>(List.of(LayerPath.normalize(path).split("/")));
    pending.removeIf(String::isEmpty);
    List<String> done = new ArrayList<>();
    int links = 0;
    while (!pending.isEmpty()) {
      String part = pending.remove(0);
      if (part.equals(".") || part.isEmpty()) {
        continue;
      }
      if (part.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      done.add(part);
      boolean last = pending.isEmpty();
      Node node = tree().nodes.get(String.join("/", done));
      if (node != null && node.type() == EntryType.SYMLINK && (!last || followLast)) {
        if (++links > 40) {
          throw new IOException("too many levels of symbolic links resolving /" + path);
        }
        done.remove(done.size() - 1);
        String target = node.linkTarget();
        if (target.startsWith("/")) {
          done.clear();
        }
        List<String> expanded = new ArrayList<>(List.of(target.split("/")));
        expanded.removeIf(String::isEmpty);
        expanded.addAll(pending);
        pending = expanded;
      }
    }
    return String.join("/", done);
  }

  private Tree tree() {
    Tree t = computed;
    if (t == null) {
      synchronized (this) {
        t = computed;
        if (t == null) {
          t = parent.tree().copy();
          try {
            apply(t, layer, blobs);
          } catch (IOException e) {
            throw new UncheckedIOException(
                "cannot read layer " + layer.blob().digest() + ": " + e.getMessage(), e);
          }
          computed = t;
        }
      }
    }
    return t;
  }

  private static void apply(Tree tree, LayerRef layer, BlobSource blobs) throws IOException {
    EntryPlacement.Symlinks links =
        path -> {
          Node n = tree.nodes.get(path);
          return n != null && n.type() == EntryType.SYMLINK ? n.linkTarget() : null;
        };
    try (InputStream blob = blobs.open(layer.blob());
        LayerReader reader = LayerReader.open(blob)) {
      for (Optional<LayerEntry> next = reader.next(); next.isPresent(); next = reader.next()) {
        LayerEntry e = next.get();
        if (e.isOpaqueWhiteout()) {
          String dir = EntryPlacement.directory(e.path(), LayerPath.parent(e.path()), links);
          tree.removeBelow(dir);
        } else if (e.isWhiteout()) {
          String dir = EntryPlacement.directory(e.path(), LayerPath.parent(e.path()), links);
          String name = LayerPath.name(e.path());
          tree.remove(LayerPath.child(dir, name.substring(LayerPath.WHITEOUT_PREFIX.length())));
        } else {
          // An entry below a symlink lands where the symlink leads (or is refused if that is
          // outside the image), as it would when the layer is extracted.
          String path = EntryPlacement.place(e.path(), e.path(), links);
          Node old = tree.nodes.get(path);
          if (old != null && old.type() == EntryType.DIRECTORY && e.type() != EntryType.DIRECTORY) {
            tree.removeBelow(path);
          }
          EntryType type = e.type();
          String target = e.linkTarget();
          if (type == EntryType.HARDLINK) {
            Node linked = tree.nodes.get(EntryPlacement.place(e.path(), target, links));
            type = linked == null ? EntryType.REGULAR : linked.type();
            target = "";
          }
          tree.nodes.put(path, new Node(type, e.mode(), e.uid(), e.gid(), target, e.mtime()));
          if (KEPT_FILES.contains(path)) {
            if (e.type() == EntryType.REGULAR && e.size() <= 4 * 1024 * 1024) {
              try (InputStream content = e.content().open()) {
                tree.kept.put(path, content.readAllBytes());
              }
            } else if (e.type() != EntryType.HARDLINK) {
              tree.kept.remove(path);
            }
          }
        }
      }
    }
  }

  /** The mutable map behind one computed index; never shared once published. */
  private record Tree(Map<String, Node> nodes, Map<String, byte[]> kept) {
    Tree copy() {
      return new Tree(new HashMap<>(nodes), new HashMap<>(kept));
    }

    void remove(String path) {
      nodes.remove(path);
      kept.remove(path);
      removeBelow(path);
    }

    void removeBelow(String dir) {
      String prefix = dir.isEmpty() ? "" : dir + "/";
      nodes.keySet().removeIf(p -> p.startsWith(prefix) && !p.equals(dir));
      kept.keySet().removeIf(p -> p.startsWith(prefix) && !p.equals(dir));
    }
  }
}
