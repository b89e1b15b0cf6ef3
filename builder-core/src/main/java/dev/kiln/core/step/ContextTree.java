package dev.kiln.core.step;

import dev.kiln.core.fs.path.HostDirectoryTree;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.layer.ContentSource;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.dockerfile.ignore.ContextEntry;
import dev.kiln.dockerfile.ignore.ContextWalker;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The build context directory as COPY sees it: files a {@code .dockerignore} pattern excludes do
 * not exist, symlinks resolve inside the context (an absolute target starts at the context root,
 * never at the host's), owners are not kept (context files belong to root in the image unless
 * {@code --chown} says otherwise), names of one inode are marked as one file, and {@code user.*}
 * extended attributes come along. FIFOs, devices and sockets are copied as {@link DiskFileTypes}
 * says, without ever being opened.
 */
public final class ContextTree implements SourceTree {
  private static final String DESCRIPTION = "the build context";

  private final Path root;
  private final PatternMatcher ignore;

  public ContextTree(Path root, PatternMatcher ignore) {
    this.root = root.toAbsolutePath().normalize();
    this.ignore = ignore;
  }

  @Override
  public String describe() {
    return "build context";
  }

  @Override
  public boolean keepsOwners() {
    return false;
  }

  @Override
  public Optional<SourceFile> stat(String path, boolean follow) throws IOException {
    String resolved = resolve(path, follow);
    if (resolved == null || (!resolved.isEmpty() && ignore.matchesOrParentMatches(resolved))) {
      return Optional.empty();
    }
    try {
      return Optional.of(read(resolved));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<String> list(String dir) throws IOException {
    List<String> names = new ArrayList<>();
    Path p = dir.isEmpty() ? root : root.resolve(dir);
    if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      return names;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(p)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        String rel = dir.isEmpty() ? name : dir + "/" + name;
        if (!ignore.matchesOrParentMatches(rel) || ignore.couldReincludeBelow(rel)) {
          names.add(name);
        }
      }
    } catch (AccessDeniedException e) {
      throw permissionDenied(dir, p, e);
    }
    names.sort(ContextTree::compareBytes);
    return names;
  }

  @Override
  public void walk(String dir, Consumer<SourceFile> sink) throws IOException {
    try {
      new ContextWalker(ignore)
          .walk(
              root,
              dir,
              (ContextEntry entry) -> {
                try {
                  readInto(entry.path(), sink);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } catch (NoSuchFileException e) {
      // The walker could not stat a name it listed: a name that does not lead back to its file.
      SourceFileException unnamable =
          e.getFile() == null ? null : unnamable(root.relativize(Path.of(e.getFile())).toString());
      throw unnamable != null ? unnamable : e;
    } catch (AccessDeniedException e) {
      throw permissionDenied(dir, Path.of(e.getFile()), e);
    } catch (InvalidPathException e) {
      throw SourceFileException.localeNotUtf8(
          e.getInput(), DESCRIPTION, System.getProperty("sun.jnu.encoding", "?"));
    }
  }

  private void readInto(String rel, Consumer<SourceFile> sink) throws IOException {
    try {
      sink.accept(read(rel));
    } catch (NoSuchFileException e) {
      // Deleted while the context was walked (then it is not copied), or listed under a name that
      // does not lead back to it: that is refused, never silently left out.
      SourceFileException unnamable = unnamable(rel);
      if (unnamable != null) {
        throw unnamable;
      }
    }
  }

  /**
   * The refusal for {@code rel}, a walked name that turned out not to exist: if its directory holds
   * a file listed under that name that the name does not lead back to (its bytes are not UTF-8).
   */
  private SourceFileException unnamable(String rel) throws IOException {
    int slash = rel.lastIndexOf('/');
    String parent = slash < 0 ? "" : rel.substring(0, slash);
    String name = rel.substring(slash + 1);
    Path dir = parent.isEmpty() ? root : root.resolve(parent);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (entry.getFileName().toString().equals(name) && !DiskFileNames.roundTrips(dir, entry)) {
          return DiskFileNames.refusal(entry, parent, DESCRIPTION, true);
        }
      }
    } catch (NoSuchFileException e) {
      return null;
    }
    return null;
  }

  private static SourceFileException permissionDenied(
      String rel, Path file, AccessDeniedException cause) {
    return SourceFileException.permissionDenied(rel, DESCRIPTION, file, true, cause);
  }

  /**
   * Resolves symlinks in {@code path} inside the context ({@link PathResolver}: never above the
   * context's root); null when a file stands where a directory must be. A missing path is returned
   * as it is, so that reading it can tell a file whose name is not UTF-8 from one that is absent.
   */
  private String resolve(String path, boolean followLast) throws IOException {
    PathResolver.Resolution r =
        PathResolver.resolve(
            new HostDirectoryTree(root), path, followLast, PathResolver.Escape.CLAMP);
    return r.status() == PathResolver.Status.NOT_A_DIRECTORY ? null : r.path();
  }

  private SourceFile read(String rel) throws IOException {
    Path file = rel.isEmpty() ? root : root.resolve(rel);
    Map<String, Object> a;
    try {
      a =
          Files.readAttributes(
              file,
              "unix:mode,size,lastModifiedTime,rdev,ino,dev,nlink",
              LinkOption.NOFOLLOW_LINKS);
    } catch (AccessDeniedException e) {
      throw permissionDenied(rel, file, e);
    }
    int mode = (Integer) a.get("mode");
    long mtime = ((FileTime) a.get("lastModifiedTime")).toInstant().getEpochSecond();
    EntryType type = DiskFileTypes.entryType(mode);
    if (type == null) {
      throw new IOException(rel + " in the build context has an unknown file type");
    }
    boolean content = DiskFileTypes.hasContent(mode);
    long size = content ? (Long) a.get("size") : 0;
    String link = type == EntryType.SYMLINK ? Files.readSymbolicLink(file).toString() : "";
    long rdev = (Long) a.get("rdev");
    boolean device = type == EntryType.CHAR_DEVICE || type == EntryType.BLOCK_DEVICE;
    // Names of one inode are one file: COPY keeps them hard-linked, as BuildKit's copy does.
    String linkGroup =
        content && (Integer) a.get("nlink") > 1
            ? "inode:" + a.get("dev") + ":" + a.get("ino")
            : null;
    if (rel.isEmpty()) {
      return SourceFile.ROOT;
    }
    return new SourceFile(
        new LayerEntry(
            rel,
            type,
            mode & 07777,
            0,
            0,
            size,
            Math.max(0, mtime),
            link,
            device ? DeviceNumbers.major(rdev) : 0,
            device ? DeviceNumbers.minor(rdev) : 0,
            DiskFileTypes.mayHaveXattrs(mode) ? userXattrs(file) : Map.of(),
            content ? contentOf(rel, file) : ContentSource.EMPTY),
        linkGroup);
  }

  /** The bytes of regular file {@code rel}, opened when the layer writer reaches it. */
  private static ContentSource contentOf(String rel, Path file) {
    return () -> {
      try {
        return Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS);
      } catch (AccessDeniedException e) {
        throw permissionDenied(rel, file, e);
      }
    };
  }

  /**
   * The file's {@code user.*} extended attributes, which BuildKit's context transfer carries into
   * the image. The JDK reaches only this namespace; {@code security.*} and {@code trusted.*}
   * attributes of context files are not read (reading them would take a {@code getfattr} process
   * per file).
   */
  private static Map<String, byte[]> userXattrs(Path file) throws IOException {
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            file, UserDefinedFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
    if (view == null) {
      return Map.of();
    }
    List<String> names;
    try {
      names = view.list();
    } catch (IOException | UnsupportedOperationException e) {
      return Map.of(); // a file system without user xattrs has none to copy
    }
    if (names.isEmpty()) {
      return Map.of();
    }
    Map<String, byte[]> out = new java.util.TreeMap<>();
    for (String name : names) {
      ByteBuffer value = ByteBuffer.allocate(view.size(name));
      view.read(name, value);
      out.put("user." + name, java.util.Arrays.copyOf(value.array(), value.position()));
    }
    return out;
  }

  static int compareBytes(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        b.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
