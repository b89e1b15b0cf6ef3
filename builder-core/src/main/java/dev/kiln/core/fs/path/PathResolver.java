package dev.kiln.core.fs.path;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside a root the way a process whose root directory is that root would see it:
 * every symlink on the way is followed by this class itself, an absolute link target starts again
 * at the root, a relative one at the link's directory, and {@code ..} at the root either stays
 * there ({@link Escape#CLAMP}, what the kernel does for a chrooted process and what BuildKit and
 * containerd do for mount sources and COPY) or is refused ({@link Escape#REFUSE}, for layer entries
 * whose names must not lead out of the image).
 *
 * <p>This is a security boundary: whatever it returns names only real directories of the root on
 * the way, never a symlink, so a caller that hands the result to the JDK or the kernel cannot be
 * led out of the root by a hostile image or context. It works over a {@link Tree}, so the same
 * rules apply to a directory on disk, an index of layers and a build context.
 *
 * <p>Written here rather than taken from a library: none of the allowed dependencies resolves paths
 * scoped to a root, and the JDK's {@code Path.toRealPath} follows links out of it.
 */
public final class PathResolver {
  /** Linux's limit on symlinks followed in one lookup (MAXSYMLINKS). */
  public static final int MAX_LINK_HOPS = 40;

  private PathResolver() {}

  /** What {@code ..} above the root means. */
  public enum Escape {
    /** Stay at the root, as the kernel does for {@code /..}. */
    CLAMP,
    /** Fail with a {@link PathEscapeException}. */
    REFUSE
  }

  /** What a root holds at one canonical path, as {@code lstat} sees it. */
  public enum Kind {
    MISSING,
    DIRECTORY,
    SYMLINK,
    /** A regular file, device, FIFO or socket: something that cannot be walked into. */
    OTHER
  }

  /** One path of a tree, looked at without following it. */
  public record Node(Kind kind, String linkTarget) {
    public static final Node MISSING = new Node(Kind.MISSING, null);
    public static final Node DIRECTORY = new Node(Kind.DIRECTORY, null);
    public static final Node OTHER = new Node(Kind.OTHER, null);

    public static Node symlink(String target) {
      return new Node(Kind.SYMLINK, target);
    }
  }

  /** Something whose paths can be looked at one by one: a directory, a layer index, a context. */
  @FunctionalInterface
  public interface Tree {
    /**
     * The node at {@code path}: canonical (no {@code .}, {@code ..} or empty components, no leading
     * {@code /}), "" for the root; every directory on the way is a real directory.
     */
    Node lookup(String path) throws IOException;
  }

  /** How far a resolution got. */
  public enum Status {
    /** Everything exists; {@link Resolution#path()} is what is there. */
    FOUND,
    /** A component does not exist; the rest of the path is appended to it as plain names. */
    MISSING,
    /** A component that must be a directory is a file; the path ends at that file. */
    NOT_A_DIRECTORY
  }

  /**
   * The result: a canonical path inside the root ("" for the root itself) and how far it got. With
   * {@link Status#MISSING}, {@code firstMissing} is the canonical path of the first component that
   * does not exist (everything from it on is to be created, and holds no symlink).
   */
  public record Resolution(String path, Status status, String firstMissing) {
    public boolean found() {
      return status == Status.FOUND;
    }
  }

  /**
   * Resolves {@code path} (relative to the root or absolute; {@code .}, {@code ..} and repeated
   * slashes allowed) in {@code tree}. Symlinks in every directory component are followed; the last
   * component is followed only when {@code followLast}.
   *
   * @throws SymlinkLoopException after {@value #MAX_LINK_HOPS} symlinks
   * @throws PathEscapeException with {@link Escape#REFUSE}, when {@code ..} would leave the root
   */
  public static Resolution resolve(Tree tree, String path, boolean followLast, Escape escape)
      throws IOException {
    Deque<String> pending = new ArrayDeque<>();
    push(pending, path);
    List<String> done = new ArrayList<>();
    int hops = 0;
    String lastLink = null;
    while (!pending.isEmpty()) {
      String part = pending.removeFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!done.isEmpty()) {
          done.remove(done.size() - 1);
        } else if (escape == Escape.REFUSE) {
          throw new PathEscapeException(path, lastLink);
        }
        continue;
      }
      String candidate = join(done, part);
      Node node = tree.lookup(candidate);
      boolean last = !hasMore(pending);
      switch (node.kind()) {
        case MISSING -> {
          done.add(part);
          appendLiterally(done, pending);
          return new Resolution(String.join("/", done), Status.MISSING, candidate);
        }
        case SYMLINK -> {
          if (last && !followLast) {
            done.add(part);
            continue;
          }
          if (++hops > MAX_LINK_HOPS) {
            throw new SymlinkLoopException(path, candidate);
          }
          lastLink = candidate;
          String target = node.linkTarget();
          if (target.startsWith("/")) {
            done.clear();
          }
          push(pending, target);
        }
        case DIRECTORY -> done.add(part);
        case OTHER -> {
          done.add(part);
          if (!last) {
            return new Resolution(String.join("/", done), Status.NOT_A_DIRECTORY, null);
          }
        }
      }
    }
    return new Resolution(String.join("/", done), Status.FOUND, null);
  }

  /** Puts the components of {@code path} in front of {@code pending}, in order. */
  private static void push(Deque<String> pending, String path) {
    String[] parts = path.split("/");
    for (int i = parts.length - 1; i >= 0; i--) {
      pending.addFirst(parts[i]);
    }
  }

  /** Whether a component other than "" or "." remains (a trailing slash names no new entry). */
  private static boolean hasMore(Deque<String> pending) {
    for (String p : pending) {
      if (!p.isEmpty() && !p.equals(".")) {
        return true;
      }
    }
    return false;
  }

  /** The rest of a path below a missing directory holds no links: resolve it lexically. */
  private static void appendLiterally(List<String> done, Deque<String> pending) {
    int floor = done.size();
    for (String part : pending) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (done.size() > floor) {
          done.remove(done.size() - 1);
        }
        continue;
      }
      done.add(part);
    }
  }

  private static String join(List<String> done, String part) {
    return done.isEmpty() ? part : String.join("/", done) + "/" + part;
  }
}
