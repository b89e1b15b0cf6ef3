package dev.kiln.core.checksum;

import dev.kiln.core.layer.EntryType;
import dev.kiln.core.step.DiskFileNames;
import dev.kiln.core.step.DiskFileTypes;
import dev.kiln.core.step.SourceFileException;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A directory on disk as a {@link FileTree}: the build context (with its {@code .dockerignore}
 * patterns and a {@link StatMemo}), or an extracted stage.
 *
 * <p>Excluded files follow the frontend's {@link PatternMatcher} the way its {@code ContextWalker}
 * does: an ignored path is absent, an ignored directory is entered only if a {@code !} exception
 * could re-include something below it, and then exists only if something inside does.
 *
 * <p>A regular file's content is taken from the memo when its {@link StatStamp} is unchanged, and
 * otherwise read, hashed and memoised. Not memoised: a file that changed while it was read, and a
 * file changed within {@value #RACY_WINDOW_SECONDS} seconds before this tree was created. File
 * systems store times at a coarse granularity, so a second edit right after the first may leave the
 * stamp unchanged; such a file is simply read again next time (git's "racily clean" problem, solved
 * the same way).
 *
 * <p>FIFOs, devices and sockets are typed as {@link DiskFileTypes} says and never opened, for their
 * content or anything else. A file that cannot be read, or whose name is not UTF-8 ({@link
 * DiskFileNames}), fails any use of it with a {@link SourceFileException}; a name that is excluded
 * is simply absent.
 *
 * <p>Thread-safe.
 */
public final class DirectoryTree implements FileTree {
  static final int RACY_WINDOW_SECONDS = 2;
  private static final String ATTRIBUTES =
      "unix:mode,ino,dev,rdev,uid,gid,size,lastModifiedTime,ctime";

  private static final FileContent EMPTY = new FileContent(Digest.sha256(new byte[0]), null);

  private record Node(FileMeta meta, StatStamp stamp) {}

  private final Path root;
  private final PatternMatcher ignore;
  private final StatMemo memo;
  private final ContentReader reader;
  private final CapabilityReader capabilities;
  private final Instant trustBefore;
  private final String description;
  private final Map<String, Optional<Node>> nodes = new HashMap<>();
  private final Map<String, List<String>> children = new HashMap<>();
  // Listed names that do not lead back to their file (not UTF-8): any use of one fails with this.
  private final Map<String, SourceFileException> unnamable = new HashMap<>();

  private final boolean keepOwners;

  private DirectoryTree(
      Path root,
      PatternMatcher ignore,
      StatMemo memo,
      ContentReader reader,
      CapabilityReader capabilities,
      Clock clock,
      String description,
      boolean keepOwners)
      throws IOException {
    this.keepOwners = keepOwners;
    this.root = root.toRealPath();
    this.ignore = ignore;
    this.memo = memo;
    this.reader = reader;
    this.capabilities = capabilities;
    this.trustBefore = clock.instant().minus(Duration.ofSeconds(RACY_WINDOW_SECONDS));
    this.description = description;
  }

  /**
   * The build context at {@code root}, without the files {@code ignore} excludes, memoising content
   * in {@code memo}.
   */
  public static DirectoryTree context(Path root, PatternMatcher ignore, StatMemo memo)
      throws IOException {
    return context(root, ignore, memo, ContentReader.FILES, null, Clock.systemUTC());
  }

  /**
   * Like {@link #context(Path, PatternMatcher, StatMemo)} with the parts tests replace; a null
   * {@code capabilities} means {@link GetfattrCapabilities} over {@code root}.
   */
  public static DirectoryTree context(
      Path root,
      PatternMatcher ignore,
      StatMemo memo,
      ContentReader reader,
      CapabilityReader capabilities,
      Clock clock)
      throws IOException {
    return new DirectoryTree(
        root,
        ignore,
        memo,
        reader,
        capabilities != null ? capabilities : new GetfattrCapabilities(root.toRealPath()),
        clock,
        "the build context",
        // COPY gives context files to root (or --chown's user), so their owners on the building
        // machine must not change keys: two CI checkouts by different users share the cache.
        false);
  }

  /** An extracted stage or other plain directory: nothing excluded, nothing remembered. */
  public static DirectoryTree plain(Path root, String description) throws IOException {
    return new DirectoryTree(
        root,
        PatternMatcher.of(List.of()),
        StatMemo.inMemory(),
        ContentReader.FILES,
        new GetfattrCapabilities(root.toRealPath()),
        Clock.systemUTC(),
        description,
        true);
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public synchronized Optional<FileMeta> stat(String path) throws IOException {
    return node(path).map(Node::meta);
  }

  private Optional<Node> node(String path) throws IOException {
    Optional<Node> known = nodes.get(path);
    if (known != null) {
      return known;
    }
    Optional<Node> found = load(path);
    nodes.put(path, found);
    return found;
  }

  private Optional<Node> load(String path) throws IOException {
    Optional<Node> node = lstat(path);
    if (node.isEmpty() || path.isEmpty() || !ignore.matchesOrParentMatches(path)) {
      return node;
    }
    boolean mayHoldIncluded =
        node.get().meta().type() == EntryType.DIRECTORY
            && ignore.hasExclusions()
            && ignore.couldReincludeBelow(path);
    return mayHoldIncluded && !childNames(path).isEmpty() ? node : Optional.empty();
  }

  private Optional<Node> lstat(String path) throws IOException {
    SourceFileException refused = unnamable.get(path);
    if (refused != null) {
      throw refused;
    }
    Map<String, Object> a;
    try {
      a = Files.readAttributes(file(path), ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (AccessDeniedException e) {
      throw permissionDenied(path, e);
    }
    int rawMode = (Integer) a.get("mode");
    EntryType type = DiskFileTypes.entryType(rawMode);
    if (type == null) {
      throw new IOException(path + " in " + description + " has an unknown file type");
    }
    long size = DiskFileTypes.hasContent(rawMode) ? (Long) a.get("size") : 0;
    String target = type == EntryType.SYMLINK ? Files.readSymbolicLink(file(path)).toString() : "";
    long rdev = (Long) a.get("rdev");
    int major = type.isDevice() ? (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL)) : 0;
    int minor = type.isDevice() ? (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL)) : 0;
    FileMeta meta =
        new FileMeta(
            type,
            rawMode & 07777,
            keepOwners ? ((Integer) a.get("uid")).longValue() & 0xffffffffL : 0,
            keepOwners ? ((Integer) a.get("gid")).longValue() & 0xffffffffL : 0,
            size,
            target,
            major,
            minor);
    StatStamp stamp =
        new StatStamp(
            (Long) a.get("dev"),
            (Long) a.get("ino"),
            (Long) a.get("size"),
            nanos((FileTime) a.get("lastModifiedTime")),
            nanos((FileTime) a.get("ctime")),
            rawMode);
    return Optional.of(new Node(meta, stamp));
  }

  @Override
  public synchronized List<String> childNames(String directory) throws IOException {
    List<String> known = children.get(directory);
    if (known != null) {
      return known;
    }
    List<String> names = new ArrayList<>();
    Path dir = file(directory);
    try (DirectoryStream<Path> list = Files.newDirectoryStream(dir)) {
      for (Path p : list) {
        String name = p.getFileName().toString();
        String child = directory.isEmpty() ? name : directory + "/" + name;
        if (!DiskFileNames.roundTrips(dir, p)) {
          if (ignore.matchesOrParentMatches(child)) {
            continue; // excluded: absent, whatever its name
          }
          unnamable.put(child, DiskFileNames.refusal(p, directory, description, isContext()));
        }
        names.add(name);
      }
    } catch (AccessDeniedException e) {
      throw permissionDenied(directory, e);
    }
    names.sort(DirectoryTree::compareUtf8);
    List<String> present = new ArrayList<>();
    for (String name : names) {
      String child = directory.isEmpty() ? name : directory + "/" + name;
      if (unnamable.containsKey(child) || node(child).isPresent()) {
        present.add(name);
      }
    }
    List<String> result = List.copyOf(present);
    children.put(directory, result);
    return result;
  }

  @Override
  public boolean readsInParallel() {
    return true;
  }

  @Override
  public synchronized boolean contentKnown(String path) throws IOException {
    Optional<Node> found = node(path);
    return found.isEmpty()
        || !DiskFileTypes.hasContent(found.get().stamp().mode())
        || memo.find(path, found.get().stamp()).isPresent();
  }

  /**
   * Only the look-ups hold this tree's lock: reading and hashing the bytes does not, so that {@link
   * ContentPrefetch} can hash several files at once.
   */
  @Override
  public FileContent content(String path) throws IOException {
    Node node;
    synchronized (this) {
      Optional<Node> found = node(path);
      if (found.isEmpty()) {
        throw new NoSuchFileException(file(path).toString());
      }
      node = found.get();
    }
    if (!DiskFileTypes.hasContent(node.stamp().mode())) {
      // A socket is copied as an empty file; nothing else without content is asked for. Either
      // way the file is not opened: opening a FIFO or a device may block or act on hardware.
      return EMPTY;
    }
    Optional<FileContent> memoised = memo.find(path, node.stamp());
    if (memoised.isPresent()) {
      return memoised.get();
    }
    Path file = file(path);
    byte[] capability = capabilities.capability(file).orElse(null);
    MessageDigest hash = Digest.newSha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = reader.open(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        hash.update(buffer, 0, n);
      }
    } catch (AccessDeniedException e) {
      throw permissionDenied(path, e);
    }
    FileContent content = new FileContent(Digest.ofSha256(hash.digest()), capability);
    Optional<Node> after;
    synchronized (this) {
      after = lstat(path);
    }
    boolean unchanged = after.isPresent() && after.get().stamp().equals(node.stamp());
    boolean settled =
        node.stamp().ctimeNanos() < nanos(trustBefore)
            && node.stamp().mtimeNanos() < nanos(trustBefore);
    if (unchanged && settled) {
      memo.record(path, node.stamp(), content);
    } else {
      memo.forget(path);
    }
    return content;
  }

  private Path file(String path) throws IOException {
    try {
      return path.isEmpty() ? root : root.resolve(path);
    } catch (InvalidPathException e) {
      // A name the JVM's file-name charset cannot encode (it is not UTF-8): see DiskFileNames.
      throw SourceFileException.localeNotUtf8(
          path, description, System.getProperty("sun.jnu.encoding", "?"));
    }
  }

  private SourceFileException permissionDenied(String path, AccessDeniedException cause)
      throws IOException {
    return SourceFileException.permissionDenied(path, description, file(path), isContext(), cause);
  }

  /** Only the build context has a {@code .dockerignore}, and only it is read without owners. */
  private boolean isContext() {
    return !keepOwners;
  }

  private static long nanos(FileTime time) {
    return nanos(time.toInstant());
  }

  private static long nanos(Instant instant) {
    return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
  }

  static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
