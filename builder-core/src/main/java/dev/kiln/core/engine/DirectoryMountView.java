package dev.kiln.core.engine;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.sandbox.HostIdentity;
import dev.kiln.core.sandbox.HostTools;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.dockerfile.ignore.ContextEntry;
import dev.kiln.dockerfile.ignore.ContextWalker;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What a {@code RUN --mount=type=bind} of a directory of the user's (the build context, a named
 * context) shows the step: its files less those {@code .dockerignore} excludes, which BuildKit
 * never sends, read-only, or as a throwaway writable view that never writes back.
 *
 * <p>Nothing excluded and read-only: the directory itself is bound. Otherwise, as root, a read-only
 * overlayfs: the directory as the lower layer and above it a layer of whiteouts, one per excluded
 * name (an excluded directory is one whiteout, however big), so the cost grows with what is
 * excluded, not with the context; a writable view adds an upper directory in the step's scratch
 * space. Without root, or where overlayfs refuses the paths, the files that are not excluded are
 * copied. A farm of hard links would be cheaper than a copy but changes every linked file's status
 * change time, which the user's tools (git, kiln's own stat memo) read as "modified".
 */
final class DirectoryMountView implements AutoCloseable {
  /** Hard links per whiteout device, well below what any file system allows one inode. */
  private static final int MAX_LINKS = 10_000;

  private final Path path;
  private final Path mountPoint;

  private DirectoryMountView(Path path, Path mountPoint) {
    this.path = path;
    this.mountPoint = mountPoint;
  }

  /** What to bind. */
  Path path() {
    return path;
  }

  /**
   * The view of {@code source}, a real path inside {@code root} (as {@link MountSourcePath}
   * resolved it), with {@code ignore} matched against paths relative to {@code root}; scratch files
   * go under {@code workDir}, which must not exist yet.
   *
   * @throws IOException when {@code ignore} excludes {@code source} itself
   */
  static DirectoryMountView of(
      Path root,
      Path source,
      PatternMatcher ignore,
      boolean writable,
      Path workDir,
      MountSources.Source from)
      throws IOException {
    return of(root, source, ignore, writable, workDir, from, HostIdentity.current().isRoot());
  }

  /** {@link #of}, with an overlayfs only when {@code mayMount} (tests choose the copy). */
  static DirectoryMountView of(
      Path root,
      Path source,
      PatternMatcher ignore,
      boolean writable,
      Path workDir,
      MountSources.Source from,
      boolean mayMount)
      throws IOException {
    String rel = relative(root, source);
    boolean directory = Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS);
    Selection selection =
        ignore.patterns().isEmpty() ? Selection.EVERYTHING : Selection.of(root, rel, ignore);
    if (!rel.isEmpty() && ignore.matchesOrParentMatches(rel) && !selection.any()) {
      throw new IOException(
          "RUN --mount=type=bind: source \""
              + rel
              + "\" not found in "
              + from.description()
              + ": .dockerignore excludes it, and an excluded file is not in the context");
    }
    if (!directory) {
      if (!writable) {
        return new DirectoryMountView(source, null);
      }
      Files.createDirectories(workDir);
      Path copy = workDir.resolve("rw");
      MountSources.copy(source, copy);
      return new DirectoryMountView(copy, null);
    }
    List<String> hidden = selection.hiddenBelow(root, rel);
    if (hidden.isEmpty() && !writable) {
      return new DirectoryMountView(source, null);
    }
    Files.createDirectories(workDir);
    if (mayMount && optionSafe(source) && optionSafe(workDir)) {
      try {
        return overlay(source, hidden, writable, workDir);
      } catch (IOException e) {
        // overlayfs cannot serve this directory (a file system it refuses as a lower layer):
        // copy instead.
        BuildRun.deleteTree(workDir);
        Files.createDirectories(workDir);
      }
    }
    return copy(root, rel, source, selection, workDir);
  }

  @Override
  public void close() throws IOException {
    if (mountPoint == null) {
      return;
    }
    Path umount = HostTools.require("umount", "mount", "to unmount a RUN --mount view");
    HostCommand.Result result =
        HostCommand.of(umount.toString(), mountPoint.toString()).finishingWhenInterrupted().run();
    if (result.exitCode() != 0) {
      MountTable.unmountAllUnder(mountPoint);
    }
  }

  private static DirectoryMountView overlay(
      Path source, List<String> hidden, boolean writable, Path workDir) throws IOException {
    List<String> lowers = new ArrayList<>();
    if (!hidden.isEmpty()) {
      Path whiteouts = Files.createDirectory(workDir.resolve("hide"));
      writeWhiteouts(source, hidden, whiteouts);
      lowers.add(whiteouts.toString());
    }
    lowers.add(source.toString());
    StringBuilder options = new StringBuilder("lowerdir=").append(String.join(":", lowers));
    if (writable) {
      Path upper = Files.createDirectory(workDir.resolve("upper"));
      Path work = Files.createDirectory(workDir.resolve("work"));
      // The root of the view takes its owner, mode and times from the highest layer that has it.
      copyAttributes(source, upper);
      options
          .append(",upperdir=")
          .append(upper)
          .append(",workdir=")
          .append(work)
          .append(",index=off,redirect_dir=off,metacopy=off");
    }
    Path merged = Files.createDirectory(workDir.resolve("view"));
    Path mount = HostTools.require("mount", "mount", "to mount a RUN --mount view");
    HostCommand.of(
            mount.toString(),
            "-t",
            "overlay",
            "overlay",
            "-o",
            options.toString(),
            merged.toString())
        .finishingWhenInterrupted()
        .run()
        .requireSuccess("mount an overlayfs view of " + source);
    return new DirectoryMountView(merged, merged);
  }

  /**
   * A whiteout (character device 0/0) for each of {@code hidden} under {@code layer}, in
   * directories that look like {@code source}'s: overlayfs shows a directory with the owner, mode
   * and times of the highest layer that has it, and that is this one. The JDK cannot make a device
   * and a {@code mknod} process per name costs milliseconds, so one device is made and every
   * whiteout is a hard link to it (overlayfs itself shares one whiteout inode the same way).
   */
  private static void writeWhiteouts(Path source, List<String> hidden, Path layer)
      throws IOException {
    Path mknod = HostTools.require("mknod", "coreutils", "to hide what .dockerignore excludes");
    Path device = null;
    int devices = 0;
    int links = 0;
    List<String> directories = new ArrayList<>();
    Set<String> made = new HashSet<>();
    for (String path : hidden) {
      int slash = -1;
      while ((slash = path.indexOf('/', slash + 1)) >= 0) {
        String parent = path.substring(0, slash);
        if (made.add(parent)) {
          directories.add(parent);
          Files.createDirectory(layer.resolve(parent));
        }
      }
      if (device == null || links == MAX_LINKS) {
        device = layer.resolveSibling("whiteout-" + ++devices);
        HostCommand.of(mknod.toString(), "-m", "0000", device.toString(), "c", "0", "0")
            .run()
            .requireSuccess("make an overlayfs whiteout");
        links = 0;
      }
      Files.createLink(layer.resolve(path), device);
      links++;
    }
    for (int i = directories.size() - 1; i >= 0; i--) {
      copyAttributes(source.resolve(directories.get(i)), layer.resolve(directories.get(i)));
    }
    copyAttributes(source, layer);
  }

  /**
   * The copy of what a view shows, for when there is no overlayfs: every selected file below {@code
   * rel}, with owners (as root), modes and times; special files through {@code cp -a}, which makes
   * them without opening them.
   */
  private static DirectoryMountView copy(
      Path root, String rel, Path source, Selection selection, Path workDir) throws IOException {
    Path copy = Files.createDirectory(workDir.resolve("copy"));
    List<Path[]> directories = new ArrayList<>();
    directories.add(new Path[] {source, copy});
    String prefix = rel.isEmpty() ? "" : rel + "/";
    try {
      selection.walk(
          root,
          rel,
          entry -> {
            Path target = copy.resolve(entry.path().substring(prefix.length()));
            try {
              switch (entry.kind()) {
                case DIRECTORY -> {
                  Files.createDirectory(target);
                  directories.add(new Path[] {entry.file(), target});
                }
                case FILE, SYMLINK ->
                    Files.copy(
                        entry.file(),
                        target,
                        StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                case OTHER -> MountSources.copy(entry.file(), target);
              }
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    // Deepest first: filling a directory moved its times.
    for (int i = directories.size() - 1; i >= 0; i--) {
      copyAttributes(directories.get(i)[0], directories.get(i)[1]);
    }
    return new DirectoryMountView(copy, null);
  }

  private static void copyAttributes(Path from, Path to) throws IOException {
    PosixFileAttributes attrs =
        Files.readAttributes(from, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (HostIdentity.current().isRoot()) {
      Files.setAttribute(to, "unix:uid", Files.getAttribute(from, "unix:uid"));
      Files.setAttribute(to, "unix:gid", Files.getAttribute(from, "unix:gid"));
    }
    Files.setAttribute(to, "unix:mode", (Integer) Files.getAttribute(from, "unix:mode") & 07777);
    Files.getFileAttributeView(to, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(attrs.lastModifiedTime(), attrs.lastAccessTime(), null);
  }

  private static String relative(Path root, Path path) {
    Path rel = root.toAbsolutePath().normalize().relativize(path.toAbsolutePath().normalize());
    String text = rel.toString();
    return text.equals(".") ? "" : text;
  }

  /** overlayfs options separate paths with ',' and ':' and escape with '\'. */
  private static boolean optionSafe(Path path) {
    String s = path.toAbsolutePath().toString();
    return !(s.contains(",") || s.contains(":") || s.contains("\\"));
  }

  /**
   * The entries of a directory of the user's that the ignore patterns keep, below one start
   * directory: {@link ContextWalker}'s choice, the same one COPY makes.
   */
  private static final class Selection {
    static final Selection EVERYTHING = new Selection(null, PatternMatcher.of(List.of()));

    /** Kind of each selected path (relative to the root); null: everything is selected. */
    private final Map<String, ContextEntry.Kind> kinds;

    private final PatternMatcher ignore;

    private Selection(Map<String, ContextEntry.Kind> kinds, PatternMatcher ignore) {
      this.kinds = kinds;
      this.ignore = ignore;
    }

    static Selection of(Path root, String rel, PatternMatcher ignore) throws IOException {
      Map<String, ContextEntry.Kind> kinds = new HashMap<>();
      if (Files.isDirectory(root.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
        new ContextWalker(ignore).walk(root, rel, e -> kinds.put(e.path(), e.kind()));
      }
      return new Selection(kinds, ignore);
    }

    /** Whether anything below the start is selected. */
    boolean any() {
      return kinds == null || !kinds.isEmpty();
    }

    void walk(Path root, String rel, Consumer<ContextEntry> sink) throws IOException {
      new ContextWalker(ignore).walk(root, rel, sink);
    }

    /**
     * The topmost paths below {@code rel} (relative to it) that exist but are not selected: each
     * hides everything below it.
     */
    List<String> hiddenBelow(Path root, String rel) throws IOException {
      List<String> hidden = new ArrayList<>();
      if (kinds == null) {
        return hidden;
      }
      Deque<String> directories = new ArrayDeque<>();
      directories.add(rel);
      String prefix = rel.isEmpty() ? "" : rel + "/";
      while (!directories.isEmpty()) {
        String dir = directories.poll();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root.resolve(dir))) {
          for (Path child : children) {
            String name = child.getFileName().toString();
            String path = dir.isEmpty() ? name : dir + "/" + name;
            ContextEntry.Kind kind = kinds.get(path);
            if (kind == null) {
              hidden.add(path.substring(prefix.length()));
            } else if (kind == ContextEntry.Kind.DIRECTORY) {
              directories.add(path);
            }
          }
        }
      }
      hidden.sort(null);
      return hidden;
    }
  }
}
