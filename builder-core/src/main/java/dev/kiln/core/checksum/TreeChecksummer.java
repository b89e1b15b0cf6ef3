package dev.kiln.core.checksum;

import dev.kiln.cache.buildcache.FramedEncoder;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.fs.path.SymlinkLoopException;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.step.PathGlob;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Content checksums of the files of a {@link FileTree}, in BuildKit's spirit, and of what COPY
 * sources select from it.
 *
 * <p>A file's checksum covers its header ({@link FileMeta}: type, mode with setuid/setgid/sticky,
 * owner, size, link target, device numbers), for a regular file also its bytes and {@code
 * security.capability}, and for a directory the name and checksum of every child, in byte order. So
 * an edit, a rename anywhere below a directory, a {@code chmod}, a {@code chown} or a retargeted
 * symlink changes the checksum; touching a file does not (no modification time), and neither does
 * adding a file the tree excludes. Each part is framed ({@link FramedEncoder}), so no two different
 * files hash alike by moving bytes between fields.
 *
 * <p>Checksums are computed once per path and kept for the life of this object: make one per build
 * and per tree. Thread-safe (one computation at a time).
 */
public final class TreeChecksummer {
  private static final String FILE_DOMAIN = "kiln.checksum.file.v1";
  private static final String LINK_DOMAIN = "kiln.checksum.followed-link.v1";
  private static final String SELECTION_DOMAIN = "kiln.checksum.selection.v1";

  private final FileTree tree;
  private final Map<String, Digest> checksums = new HashMap<>();
  private final ContentPrefetch prefetch;
  // Contents hashed ahead by the prefetch, each taken once by the walk.
  private Map<String, FileContent> prefetched = Map.of();

  public TreeChecksummer(FileTree tree) {
    this(tree, ContentPrefetch.forCores(tree));
  }

  TreeChecksummer(FileTree tree, ContentPrefetch prefetch) {
    this.tree = tree;
    this.prefetch = prefetch;
  }

  /** The tree this checksums. */
  public FileTree tree() {
    return tree;
  }

  /**
   * The checksum of the file or directory at {@code path} (canonical, "" for the root), not
   * following a symlink there.
   *
   * @throws SourceNotFoundException if there is nothing at {@code path}
   */
  public synchronized Digest checksum(String path) throws IOException {
    Digest known = checksums.get(path);
    if (known != null) {
      return known;
    }
    Optional<FileMeta> top = tree.stat(path);
    if (top.isPresent() && top.get().type() == EntryType.DIRECTORY) {
      prefetched = prefetch.below(path, checksums::containsKey);
    }
    try {
      return compute(path);
    } finally {
      prefetched = Map.of();
    }
  }

  private Digest compute(String path) throws IOException {
    Digest known = checksums.get(path);
    if (known != null) {
      return known;
    }
    FileMeta meta =
        tree.stat(path)
            .orElseThrow(
                () ->
                    new SourceNotFoundException(
                        path, "'" + path + "' is not in " + tree.description()));
    FramedEncoder e =
        FramedEncoder.hashing(FILE_DOMAIN)
            .frame(1, meta.type().name())
            .frame(2, meta.mode())
            .frame(3, meta.uid())
            .frame(4, meta.gid())
            .frame(5, meta.size())
            .frame(6, meta.linkTarget())
            .frame(7, meta.devMajor())
            .frame(8, meta.devMinor());
    if (meta.type() == EntryType.REGULAR || meta.type() == EntryType.HARDLINK) {
      FileContent ahead = prefetched.get(path);
      FileContent content = ahead != null ? ahead : tree.content(path);
      if (content.capability() != null) {
        e.frame(9, content.capability());
      }
      e.frame(10, content.digest());
    } else if (meta.type() == EntryType.DIRECTORY) {
      for (String name : tree.childNames(path)) {
        e.frame(11, name);
        e.frame(12, compute(LayerPath.child(path, name)));
      }
    }
    Digest digest = e.digest();
    checksums.put(path, digest);
    return digest;
  }

  /**
   * What the COPY/ADD {@code sources} select, with a checksum over all of it.
   *
   * <p>Each source is taken relative to the tree's root ({@code /src}, {@code src/} and {@code
   * ./src} are the same; {@code ..} cannot climb above the root). A source may use wildcards in any
   * component ({@code *}, {@code ?}, {@code [a-z]}, {@code \} escapes; Go's {@code filepath.Match},
   * one component each); symlinked directories in its path are followed within the tree. A selected
   * symlink counts as itself and as what it points to, since a copy may follow it.
   *
   * @throws SourceNotFoundException if a source selects nothing
   * @throws IllegalArgumentException if a wildcard is malformed
   */
  public synchronized SourceSelection select(List<String> sources) throws IOException {
    FramedEncoder all = FramedEncoder.hashing(SELECTION_DOMAIN);
    List<SelectedPath> selected = new ArrayList<>();
    for (String source : sources) {
      String normalized = LayerPath.normalize(source);
      all.frame(1, normalized);
      List<String[]> matches = match(source, normalized);
      for (String[] m : matches) {
        Digest checksum = selectedChecksum(m[1]);
        all.frame(2, m[0]).frame(3, m[1]).frame(4, checksum);
        selected.add(new SelectedPath(source, m[0], m[1], checksum));
      }
    }
    return new SourceSelection(all.digest(), selected);
  }

  private Digest selectedChecksum(String resolved) throws IOException {
    Digest own = checksum(resolved);
    FileMeta meta = tree.stat(resolved).orElseThrow();
    if (meta.type() != EntryType.SYMLINK) {
      return own;
    }
    FramedEncoder e = FramedEncoder.hashing(LINK_DOMAIN).frame(1, own);
    Optional<String> target = resolve(resolved, true);
    if (target.isPresent()) {
      e.frame(2, checksum(target.get()));
    }
    return e.digest();
  }

  /** Matches as {display path, resolved path}, byte-sorted by display path. */
  private List<String[]> match(String source, String normalized) throws IOException {
    if (normalized.isEmpty()) {
      return List.<String[]>of(new String[] {"", ""});
    }
    String[] components = normalized.split("/");
    List<String[]> candidates = new ArrayList<>();
    candidates.add(new String[] {"", ""});
    boolean wildcard = false;
    for (int i = 0; i < components.length; i++) {
      boolean last = i == components.length - 1;
      String component = components[i];
      java.util.function.Predicate<String> pattern =
          hasMeta(component) ? compile(source, component) : null;
      wildcard |= pattern != null;
      List<String[]> next = new ArrayList<>();
      for (String[] c : candidates) {
        Optional<FileMeta> dir = tree.stat(c[1]);
        if (dir.isEmpty() || dir.get().type() != EntryType.DIRECTORY) {
          continue;
        }
        List<String> names;
        if (pattern == null) {
          names =
              tree.stat(LayerPath.child(c[1], component)).isPresent()
                  ? List.of(component)
                  : List.of();
        } else {
          names = new ArrayList<>();
          for (String name : tree.childNames(c[1])) {
            if (pattern.test(name)) {
              names.add(name);
            }
          }
        }
        for (String name : names) {
          String display = LayerPath.child(c[0], name);
          String resolved = LayerPath.child(c[1], name);
          if (!last) {
            Optional<String> followed = resolve(resolved, true);
            if (followed.isEmpty()) {
              continue;
            }
            resolved = followed.get();
          }
          next.add(new String[] {display, resolved});
        }
      }
      candidates = next;
    }
    if (candidates.isEmpty()) {
      throw new SourceNotFoundException(
          source,
          wildcard
              ? "source '" + source + "' matches no file in " + tree.description()
              : "source '"
                  + source
                  + "' not found in "
                  + tree.description()
                  + (tree instanceof DirectoryTree ? " (is it excluded by .dockerignore?)" : ""));
    }
    candidates.sort((a, b) -> DirectoryTree.compareUtf8(a[0], b[0]));
    return candidates;
  }

  /**
   * Resolves {@code path} inside the tree, following symlinks in every component (and in the last
   * one if {@code followLast}) the way a container would see them: an absolute target from the
   * tree's root, a relative one from the link's directory, never above the root. Empty if a
   * component is missing, not a directory, or the links loop.
   */
  Optional<String> resolve(String path, boolean followLast) throws IOException {
    PathResolver.Tree view =
        p -> {
          Optional<FileMeta> meta = tree.stat(p);
          if (meta.isEmpty()) {
            return p.isEmpty() ? PathResolver.Node.DIRECTORY : PathResolver.Node.MISSING;
          }
          return switch (meta.get().type()) {
            case DIRECTORY -> PathResolver.Node.DIRECTORY;
            case SYMLINK -> PathResolver.Node.symlink(meta.get().linkTarget());
            default -> PathResolver.Node.OTHER;
          };
        };
    try {
      PathResolver.Resolution r =
          PathResolver.resolve(view, path, followLast, PathResolver.Escape.CLAMP);
      return r.found() ? Optional.of(r.path()) : Optional.empty();
    } catch (SymlinkLoopException e) {
      return Optional.empty();
    }
  }

  private static boolean hasMeta(String component) {
    for (int i = 0; i < component.length(); i++) {
      char ch = component.charAt(i);
      if (ch == '*' || ch == '?' || ch == '[' || ch == '\\') {
        return true;
      }
    }
    return false;
  }

  private static java.util.function.Predicate<String> compile(String source, String component) {
    try {
      PathGlob.validate(component);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid wildcard in source '" + source + "': " + e.getMessage(), e);
    }
    return name -> PathGlob.matches(component, name);
  }
}
