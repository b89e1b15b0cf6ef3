package dev.kiln.dockerfile.ignore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Lists the files of a build context that survive the ignore patterns, in a deterministic order:
 * names byte-sorted within each directory, a directory before its contents. An ignored directory is
 * not entered unless a {@code !} exception could re-include something below it; it is then reported
 * only if something inside is selected. This class does file IO; parsing and planning do not.
 */
public final class ContextWalker {
  private final PatternMatcher matcher;

  public ContextWalker(PatternMatcher matcher) {
    this.matcher = matcher;
  }

  /** All selected entries of {@code root}. */
  public List<ContextEntry> walk(Path root) throws IOException {
    List<ContextEntry> out = new ArrayList<>();
    walk(root, out::add);
    return out;
  }

  /** Streams the selected entries of {@code root} to {@code sink}, in walk order. */
  public void walk(Path root, Consumer<ContextEntry> sink) throws IOException {
    walkDir(root, "", new ArrayList<>(), sink, true);
  }

  /**
   * Streams the selected entries below directory {@code start} (a path relative to {@code root},
   * {@code ""} for all of it) to {@code sink}, in walk order, with the patterns still matched
   * against paths relative to {@code root}. {@code start} itself is not reported.
   */
  public void walk(Path root, String start, Consumer<ContextEntry> sink) throws IOException {
    Path dir = start.isEmpty() ? root : root.resolve(start);
    walkDir(dir, start, new ArrayList<>(), sink, true);
  }

  private void walkDir(
      Path dir, String rel, List<ContextEntry> pending, Consumer<ContextEntry> sink, boolean top)
      throws IOException {
    String[] names;
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
      List<String> list = new ArrayList<>();
      for (Path p : ds) {
        list.add(p.getFileName().toString());
      }
      names = list.toArray(new String[0]);
    } catch (AccessDeniedException e) {
      if (top) {
        throw e;
      }
      // An unreadable directory that was entered only to look for exceptions holds nothing we
      // can select; one that is selected itself has already been reported.
      return;
    }
    Arrays.sort(names, ContextWalker::compareBytes);
    for (String name : names) {
      String path = rel.isEmpty() ? name : rel + "/" + name;
      boolean ignored = matcher.matchesOrParentMatches(path);
      if (ignored && (!matcher.hasExclusions() || !matcher.couldReincludeBelow(path))) {
        // Excluded, and nothing below it can come back: never looked at, so neither a file that
        // cannot be read nor one whose name Java cannot use stops a walk that leaves it out.
        continue;
      }
      Path file = dir.resolve(name);
      BasicFileAttributes attrs =
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isDirectory()) {
        ContextEntry entry = new ContextEntry(path, ContextEntry.Kind.DIRECTORY, file);
        if (ignored) {
          pending.add(entry);
          walkDir(file, path, pending, sink, false);
          if (!pending.isEmpty() && pending.get(pending.size() - 1) == entry) {
            pending.remove(pending.size() - 1);
          }
        } else {
          flush(pending, sink);
          sink.accept(entry);
          walkDir(file, path, pending, sink, false);
        }
      } else if (!ignored) {
        flush(pending, sink);
        ContextEntry.Kind kind =
            attrs.isSymbolicLink()
                ? ContextEntry.Kind.SYMLINK
                : attrs.isRegularFile() ? ContextEntry.Kind.FILE : ContextEntry.Kind.OTHER;
        sink.accept(new ContextEntry(path, kind, file));
      }
    }
  }

  private static void flush(List<ContextEntry> pending, Consumer<ContextEntry> sink) {
    for (ContextEntry e : pending) {
      sink.accept(e);
    }
    pending.clear();
  }

  /** Orders names by their UTF-8 bytes, as Go sorts strings. */
  static int compareBytes(String a, String b) {
    byte[] x = a.getBytes(StandardCharsets.UTF_8);
    byte[] y = b.getBytes(StandardCharsets.UTF_8);
    return Arrays.compareUnsigned(x, y);
  }
}
