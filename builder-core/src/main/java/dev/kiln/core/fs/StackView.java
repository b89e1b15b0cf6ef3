package dev.kiln.core.fs;

import dev.kiln.core.fs.path.PathEscapeException;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.fs.path.SymlinkLoopException;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.UnsafeLayerEntryException;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The files of a stack of layers, as a container sees them: each layer applied on the ones below
 * with whiteouts and opaque directories, and every entry placed the way a runtime extracting the
 * layer places it. This is the one view of a stage's files that every reader uses (resolving paths
 * for WORKDIR and COPY, user look-ups, {@code COPY --from}, exports, mounts, and RUN's layer
 * directories), so they all see the same thing.
 *
 * <p>Placement: the directories in an entry's name are resolved through the symlinks already there
 * (in lower layers and earlier in the same layer) by the {@link PathResolver}, so {@code x/file}
 * over a lower {@code x -> data} lands at {@code data/file}. An entry whose path goes through a
 * symlink that leads above the root is refused ({@link PathResolver.Escape#REFUSE}), as is one that
 * needs a file to be a directory; missing directories are created (0755, root) as extraction
 * creates them. A hard link takes its target's metadata and content where the target stands when
 * the link is made.
 *
 * <p>Each layer is kept as its own {@link Level} (computed from its {@link LayerIndex} on first
 * use, never copied), and a look-up goes down the levels until one has the path or hides it. Memory
 * grows with the entries of the layers, not with the number of stages or steps on them.
 */
public final class StackView {
  /** Directories placement creates because an entry needs them and no layer has them. */
  private static final int IMPLICIT_DIRECTORY_MODE = 0755;

  private final StackView parent;
  private final int depth;
  private final LayerSource source;
  private final StackViews views;
  private final Digest chainId;
  private volatile Level level;

  /** A layer of the stack, loaded when the view first needs it. */
  public interface LayerSource {
    /** The layer's index. */
    LayerIndex index() throws IOException;

    /** Its bytes. */
    LayerBytes bytes();

    /** The layer's diffID. */
    Digest diffId();
  }

  private StackView(StackView parent, LayerSource source, StackViews views) {
    this.parent = parent;
    this.depth = parent == null ? 0 : parent.depth + 1;
    this.source = source;
    this.views = views;
    this.chainId =
        parent == null
            ? null
            : parent.chainId == null
                ? source.diffId()
                : Digest.sha256(
                    (parent.chainId + " " + source.diffId()).getBytes(StandardCharsets.UTF_8));
  }

  /** An empty root filesystem ({@code FROM scratch}) whose layers come from {@code views}. */
  static StackView empty(StackViews views) {
    return new StackView(null, null, views);
  }

  /** An empty root filesystem on which layers are put with {@link #withLayer(LayerSource)}. */
  public static StackView empty() {
    return new StackView(null, null, null);
  }

  /** This view with one more layer on top. */
  public StackView withLayer(LayerSource layer) {
    return new StackView(this, layer, views);
  }

  /** This view with {@code layer}, read through {@code blobs}, on top (one view per stack). */
  public StackView withLayer(LayerRef layer, BlobSource blobs) {
    if (views == null) {
      throw new IllegalStateException("this view was not made by StackViews");
    }
    return views.on(this, layer, blobs);
  }

  /**
   * The OCI chain ID of the stack (its diffIDs chained), which names it whatever stage or image it
   * belongs to; empty for no layers.
   */
  public Optional<Digest> chainId() {
    return Optional.ofNullable(chainId);
  }

  /** The number of layers. */
  public int depth() {
    return depth;
  }

  /** The diffID of the top layer; the empty view has none. */
  public Optional<Digest> topDiffId() {
    return source == null ? Optional.empty() : Optional.of(source.diffId());
  }

  /** The view without its top layer; the empty view has none. */
  public Optional<StackView> below() {
    return Optional.ofNullable(parent);
  }

  /**
   * One path of the view: its header (named by the path; null only for the root directory, which no
   * layer describes), the hard-link group it is in (null when it has one name), and for a regular
   * file with content where its bytes are (so a reader of many files can read each layer once). The
   * header's content is bound to those bytes only when {@link #entry()} is asked for.
   */
  public record Node(LayerEntry header, String linkGroup, Origin origin) {
    static final Node ROOT = new Node(null, null, null);

    Node(LayerEntry header, String linkGroup) {
      this(header, linkGroup, null);
    }

    Node withLinkGroup(String group) {
      return new Node(header, group, origin);
    }

    /** The entry, its content readable (opened from the layer that holds the bytes). */
    public LayerEntry entry() {
      if (origin == null || header == null) {
        return header;
      }
      long size = header.size();
      return header.withContent(
          size, () -> origin.bytes().open(origin.name(), origin.offset(), size));
    }

    public EntryType type() {
      return header == null ? EntryType.DIRECTORY : header.type();
    }

    public boolean isDirectory() {
      return type() == EntryType.DIRECTORY;
    }

    public int mode() {
      return header == null ? 0755 : header.mode();
    }

    public long uid() {
      return header == null ? 0 : header.uid();
    }

    public long gid() {
      return header == null ? 0 : header.gid();
    }

    public long mtime() {
      return header == null ? 0 : header.mtime();
    }
  }

  /**
   * Where a regular file's bytes are: a layer, the offset in its uncompressed tar, and its name in
   * that layer's tar (where its unpacked directory has it).
   */
  public record Origin(LayerBytes bytes, long offset, String name) {}

  /** What is at canonical {@code path}, not following a symlink there. */
  public Optional<Node> get(String path) {
    if (path.isEmpty()) {
      return Optional.of(Node.ROOT);
    }
    for (StackView v = this; v.parent != null; v = v.parent) {
      Level l = v.level();
      Node n = l.entries.get(path);
      if (n != null) {
        return Optional.of(n);
      }
      if (l.hides(path)) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * {@code path} resolved inside the view as a process chrooted into it would (symlinks followed,
   * never above the root; the last component too when {@code followLast}): the canonical path,
   * which need not exist.
   */
  public String resolve(String path, boolean followLast) throws IOException {
    return PathResolver.resolve(tree(), path, followLast, PathResolver.Escape.CLAMP).path();
  }

  /** The view as a tree the {@link PathResolver} walks. */
  public PathResolver.Tree tree() {
    return path -> kindOf(get(path));
  }

  /** The names directly inside directory {@code dir}, sorted. */
  public List<String> children(String dir) {
    TreeSet<String> names = new TreeSet<>();
    Set<String> settled = new HashSet<>();
    for (StackView v = this; v.parent != null; v = v.parent) {
      Level l = v.level();
      for (String name : l.childNames(dir)) {
        if (settled.add(name)) {
          names.add(name);
        }
      }
      settled.addAll(l.whitedOutNames(dir));
      Node self = l.entries.get(dir);
      if (self != null && !self.isDirectory()) {
        break;
      }
      if (!dir.isEmpty() && l.hides(dir) || l.opaque.contains(dir)) {
        break;
      }
    }
    return new ArrayList<>(names);
  }

  /** The bytes of the regular file at {@code path} (not followed), if there is one. */
  public Optional<byte[]> readFile(String path, long maxBytes) throws IOException {
    Optional<Node> node = get(path);
    if (node.isEmpty()
        || node.get().type() != EntryType.REGULAR
        || node.get().entry().size() > maxBytes) {
      return Optional.empty();
    }
    try (InputStream in = node.get().entry().content().open()) {
      return Optional.of(in.readAllBytes());
    }
  }

  /**
   * Whether the top layer's files, unpacked on their own as its tar names them, differ from what
   * this view shows: an entry was placed through a lower layer's symlink, or a hard link points
   * into a lower layer. Such a layer cannot stand in an overlay stack as its own directory.
   */
  public boolean topDependsOnLayersBelow() {
    Level l = level();
    return l.relocated || l.linksBelow;
  }

  /** The top layer's own entries as this view places them, in path order. */
  public List<Node> topEntries() {
    List<Node> nodes = new ArrayList<>(level().entries.values());
    nodes.sort((a, b) -> a.header().path().compareTo(b.header().path()));
    return nodes;
  }

  /** The top layer's whiteouts (placed paths it hides below) and opaque directories. */
  public Set<String> topWhiteouts() {
    return Set.copyOf(level().hidden);
  }

  /** The top layer's opaque directories (placed). */
  public Set<String> topOpaqueDirectories() {
    return Set.copyOf(level().opaque);
  }

  private static PathResolver.Node kindOf(Optional<Node> node) {
    if (node.isEmpty()) {
      return PathResolver.Node.MISSING;
    }
    return switch (node.get().type()) {
      case DIRECTORY -> PathResolver.Node.DIRECTORY;
      case SYMLINK -> PathResolver.Node.symlink(node.get().header().linkTarget());
      default -> PathResolver.Node.OTHER;
    };
  }

  private Level level() {
    Level l = level;
    if (l == null) {
      synchronized (this) {
        l = level;
        if (l == null) {
          try {
            l = build();
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          level = l;
        }
      }
    }
    return l;
  }

  /** Applies the top layer's index on the view below. */
  private Level build() throws IOException {
    LayerIndex index = source.index();
    LayerBytes bytes = source.bytes();
    Level l = new Level();
    Placement placement = new Placement(l, parent);
    for (int i = 0; i < index.size(); i++) {
      LayerEntry e = index.header(i);
      String name = e.path();
      // Extraction applies a whiteout by deleting what is there (LayerExtractor): the path and,
      // unless this layer made that very path, its entries below too, this layer's included; an
      // opaque directory likewise loses every child this layer did not make. The view does the
      // same, and places later entries afresh, so nothing stays in a directory that is gone.
      if (e.isOpaqueWhiteout()) {
        String dir = placement.directory(name, LayerPath.parent(name));
        l.opaque.add(dir);
        int start = dir.isEmpty() ? 0 : dir.length() + 1;
        l.removeBelow(
            dir,
            p ->
                p.indexOf('/', start) >= 0
                    && !l.entries.containsKey(p.substring(0, p.indexOf('/', start))));
        placement.forget();
        continue;
      }
      if (e.isWhiteout()) {
        String dir = placement.directory(name, LayerPath.parent(name));
        String hidden = LayerPath.name(name).substring(LayerPath.WHITEOUT_PREFIX.length());
        String path = LayerPath.child(dir, hidden);
        l.hidden.add(path);
        if (!l.entries.containsKey(path)) {
          l.removeBelow(path, p -> true);
        }
        placement.forget();
        continue;
      }
      String dir = placement.directory(name, LayerPath.parent(name));
      String path = LayerPath.child(dir, LayerPath.name(name));
      if (!path.equals(name)) {
        l.relocated = true;
      }
      Node node;
      if (e.type() == EntryType.HARDLINK) {
        node = placement.hardlink(e, path, depth);
      } else {
        node =
            new Node(
                rename(e, path),
                null,
                e.type() == EntryType.REGULAR && e.size() > 0
                    ? new Origin(bytes, index.dataOffset(i), name)
                    : null);
      }
      Node old = l.entries.get(path);
      if (old != null && old.isDirectory() && !node.isDirectory()) {
        // Rare: this layer made a directory and then replaced it; drop what it put inside.
        l.removeBelow(path, p -> true);
      }
      // Directories resolved so far stay right unless a symlink appears or a directory or a
      // symlink is replaced by something else.
      boolean changesDirectories = node.type() == EntryType.SYMLINK;
      if (!changesDirectories && !node.isDirectory()) {
        // Only replacing a directory or a symlink (here or below) can move where names resolve.
        PathResolver.Kind was =
            old != null
                ? kindOf(Optional.of(old)).kind()
                : parent.depth == 0 ? PathResolver.Kind.MISSING : placement.lookup(path).kind();
        changesDirectories = was == PathResolver.Kind.DIRECTORY || was == PathResolver.Kind.SYMLINK;
      }
      l.put(path, node);
      if (changesDirectories) {
        placement.forget();
      }
    }
    return l;
  }

  private static LayerEntry rename(LayerEntry e, String path) {
    return e.path().equals(path) ? e : e.withPath(path);
  }

  /** Places one layer's entries on the view below it, as extraction would. */
  private static final class Placement {
    private final Level level;
    private final StackView below;
    private final Map<String, String> directories = new HashMap<>();

    Placement(Level level, StackView below) {
      this.level = level;
      this.below = below;
    }

    /** Forgets resolved directories: a symlink or a replaced path may change them. */
    void forget() {
      directories.clear();
    }

    /** Where directory {@code dir} of entry {@code name} is, creating missing ones. */
    String directory(String name, String dir) throws IOException {
      if (dir.isEmpty()) {
        return "";
      }
      String known = directories.get(dir);
      if (known != null) {
        return known;
      }
      PathResolver.Resolution r;
      try {
        r = PathResolver.resolve(this::lookup, dir, true, PathResolver.Escape.REFUSE);
      } catch (PathEscapeException e) {
        throw new UnsafeLayerEntryException(
            name,
            "goes through symlink '"
                + LayerFormatException.excerpt(e.link())
                + "', which points outside the image root");
      } catch (SymlinkLoopException e) {
        throw new LayerFormatException(
            "layer entry '"
                + LayerFormatException.excerpt(name)
                + "': too many levels of symlinks in '"
                + LayerFormatException.excerpt(dir)
                + "'");
      }
      switch (r.status()) {
        case NOT_A_DIRECTORY -> throw needsDirectory(name, r.path());
        case MISSING -> {
          for (String p = r.path(); ; p = LayerPath.parent(p)) {
            level.put(p, new Node(LayerEntry.directory(p, IMPLICIT_DIRECTORY_MODE, 0, 0, 0), null));
            if (p.equals(r.firstMissing()) || p.isEmpty()) {
              break;
            }
          }
        }
        case FOUND -> {
          // The resolver finds the last component whatever it is; a file there (from a lower
          // layer, or earlier in this one) cannot hold the entry, and extraction fails on it too.
          if (lookup(r.path()).kind() != PathResolver.Kind.DIRECTORY) {
            throw needsDirectory(name, r.path());
          }
        }
      }
      directories.put(dir, r.path());
      return r.path();
    }

    private static LayerFormatException needsDirectory(String name, String dir) {
      return new LayerFormatException(
          "layer entry '"
              + LayerFormatException.excerpt(name)
              + "' needs '"
              + LayerFormatException.excerpt(dir)
              + "' to be a directory, but it is a file");
    }

    /** A hard link at {@code path}: its target's file, where the target is now. */
    Node hardlink(LayerEntry e, String path, int depth) throws IOException {
      String targetName = e.linkTarget();
      String dir = directory(e.path(), LayerPath.parent(targetName));
      String target = LayerPath.child(dir, LayerPath.name(targetName));
      Node own = level.entries.get(target);
      Node linked = own;
      if (linked == null && !level.hides(target) && below != null) {
        linked = below.get(target).orElse(null);
        if (linked != null) {
          level.linksBelow = true;
        }
      }
      if (linked == null || linked.isDirectory()) {
        throw new LayerFormatException(
            "hardlink '"
                + LayerFormatException.excerpt(e.path())
                + "' points to '"
                + LayerFormatException.excerpt(targetName)
                + "', which "
                + (linked == null ? "does not exist" : "is a directory"));
      }
      String group = linked.linkGroup() != null ? linked.linkGroup() : depth + ":" + target;
      if (own != null && own.linkGroup() == null) {
        level.put(target, own.withLinkGroup(group));
      }
      // One inode, two names: the link is its target's file (metadata, attributes, bytes).
      return new Node(rename(linked.header(), path), group, linked.origin());
    }

    PathResolver.Node lookup(String path) {
      Node own = level.entries.get(path);
      if (own != null) {
        return kindOf(Optional.of(own));
      }
      if (path.isEmpty()) {
        return PathResolver.Node.DIRECTORY;
      }
      if (level.hides(path) || below == null) {
        return PathResolver.Node.MISSING;
      }
      return kindOf(below.get(path));
    }
  }

  /** One layer as placed on the layers below. */
  private static final class Level {
    // Point look-ups dominate (every entry of every layer resolves its directory through the levels
    // below): a hash map, not a sorted one.
    final HashMap<String, Node> entries = new HashMap<>();
    final Set<String> hidden = new HashSet<>();
    final Set<String> opaque = new HashSet<>();
    boolean relocated;
    boolean linksBelow;
    private volatile Map<String, List<String>> children;

    /** Whether this level hides {@code path} of the levels below it. */
    boolean hides(String path) {
      if (hidden.contains(path)) {
        return true;
      }
      for (String a = LayerPath.parent(path); ; a = LayerPath.parent(a)) {
        if (hidden.contains(a) || opaque.contains(a)) {
          return true;
        }
        Node n = entries.get(a);
        if (n != null && !n.isDirectory()) {
          return true;
        }
        if (a.isEmpty()) {
          return false;
        }
      }
    }

    List<String> childNames(String dir) {
      Map<String, List<String>> c = children;
      if (c == null) {
        c = new HashMap<>();
        for (String path : entries.keySet()) {
          c.computeIfAbsent(LayerPath.parent(path), k -> new ArrayList<>())
              .add(LayerPath.name(path));
        }
        children = c;
      }
      return c.getOrDefault(dir, List.of());
    }

    /**
     * This level's paths in order, so that what lies below a path is found without a scan of the
     * level per whiteout (a layer may have thousands of each): made the first time entries below a
     * path may have to go (a whiteout, an opaque directory, a directory replaced), then kept up to
     * date. Levels without any never pay for it.
     */
    private TreeSet<String> sorted;

    void put(String path, Node node) {
      if (entries.put(path, node) == null && sorted != null) {
        sorted.add(path);
      }
    }

    /** Removes this level's entries below {@code dir} whose path {@code drop} accepts. */
    void removeBelow(String dir, Predicate<String> drop) {
      if (sorted == null) {
        sorted = new TreeSet<>(entries.keySet());
      }
      SortedSet<String> below = dir.isEmpty() ? sorted : sorted.subSet(dir + "/", dir + "0");
      for (Iterator<String> it = below.iterator(); it.hasNext(); ) {
        String path = it.next();
        if (drop.test(path)) {
          it.remove();
          entries.remove(path);
        }
      }
    }

    List<String> whitedOutNames(String dir) {
      List<String> names = new ArrayList<>();
      for (String h : hidden) {
        if (LayerPath.parent(h).equals(dir)) {
          names.add(LayerPath.name(h));
        }
      }
      return names;
    }
  }
}
