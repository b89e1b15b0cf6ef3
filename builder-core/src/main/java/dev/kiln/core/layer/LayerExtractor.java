package dev.kiln.core.layer;

import dev.kiln.cache.store.TreeDeletion;
import dev.kiln.core.host.HostCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Applies layers to a directory, one after another, as a container runtime does: entries are
 * created with their modes, owners, times and xattrs, and whiteouts remove what lower layers put
 * there.
 *
 * <p><b>Confinement.</b> No entry may write outside the target. Absolute names, {@code ..}
 * components and hardlinks with such targets are refused by {@link LayerReader}; paths are then
 * resolved component by component by {@link ConfinedPaths}, so a symlink on the way (from this
 * layer or a lower one) is followed only as the container would follow it, and refused if it leads
 * out. Every such refusal is an {@link UnsafeLayerEntryException} naming the entry; entries before
 * it have been applied, so the target should be discarded.
 *
 * <p><b>Whiteouts.</b> {@code dir/.wh.name} removes {@code dir/name}, and {@code dir/.wh..wh..opq}
 * removes everything in {@code dir}, but only what lower layers created: the OCI spec says a
 * whiteout never hides an entry of its own layer, whatever the order inside the tar. Whiteout files
 * themselves are not created.
 *
 * <p><b>What the JDK cannot do.</b> Device nodes and FIFOs are created with the {@code mknod}
 * command ({@link DeviceNodes}) and xattrs are set with {@code setfattr} ({@link
 * ExtendedAttributes}, package {@code attr}), since the JDK has no {@code mknod(2)} and reaches
 * only {@code user.*} xattrs. Ownership uses {@code Files.setAttribute(path, "unix:uid", ...)} with
 * {@code NOFOLLOW_LINKS}, i.e. {@code lchown}; the order per entry is create, chown, mtime, chmod
 * (chown clears setuid bits), then xattrs (chown clears {@code security.capability}); neither chmod
 * nor setting xattrs changes the mtime. Device nodes and FIFOs get their metadata from commands
 * too, because the JDK's setters open the file and opening a FIFO blocks. Directory modes and times
 * are set after the whole layer, once nothing is added to them any more. Symlink targets are
 * created verbatim; where the JDK would normalise one (a doubled or trailing slash) the {@code ln}
 * command is used.
 *
 * <p>Not thread-safe; one extractor per target directory.
 */
public final class LayerExtractor {
  private final ConfinedPaths paths;
  private final ExtractOptions options;

  /** An extractor into {@code target}, which must be an existing directory. */
  public LayerExtractor(Path target, ExtractOptions options) throws IOException {
    if (!Files.isDirectory(target)) {
      throw new IOException("extraction target " + target + " is not a directory");
    }
    this.paths = new ConfinedPaths(target);
    this.options = options;
  }

  /** Applies one layer blob (any compression), closing the stream. */
  public void extract(InputStream blob) throws IOException {
    try (LayerReader reader = LayerReader.open(blob)) {
      extract(reader);
    }
  }

  /**
   * Applies {@code entries} as one layer (whiteouts included), for a layer that exists only as
   * entries: one placed on a stack by a view.
   */
  public void extract(List<LayerEntry> entries) throws IOException {
    LayerApplication layer = new LayerApplication();
    for (LayerEntry entry : entries) {
      layer.apply(entry);
    }
    layer.finish();
  }

  /** Applies the remaining entries of {@code reader} as one layer. */
  public void extract(LayerReader reader) throws IOException {
    extract(reader, (entry, dataOffset) -> {});
  }

  /**
   * Applies one layer blob (any compression), closing the stream, and shows {@code seen} each entry
   * before applying it: whatever else needs every entry of the layer (its index) gets them from the
   * same pass.
   */
  public void extract(InputStream blob, EntrySeen seen) throws IOException {
    try (LayerReader reader = LayerReader.open(blob)) {
      extract(reader, seen);
    }
  }

  /**
   * Applies the remaining entries of {@code reader} as one layer, showing {@code seen} each entry
   * before applying it; the caller closes the reader.
   */
  public void extract(LayerReader reader, EntrySeen seen) throws IOException {
    LayerApplication layer = new LayerApplication();
    Optional<LayerEntry> next;
    while ((next = reader.next()).isPresent()) {
      seen.entry(next.get(), reader.dataOffset());
      layer.apply(next.get());
    }
    layer.finish();
  }

  /** What is told each entry of a layer as it is extracted. */
  @FunctionalInterface
  public interface EntrySeen {
    /**
     * Entry {@code entry}, whose content starts at {@code dataOffset} in the uncompressed tar, is
     * about to be applied; an exception stops the extraction.
     */
    void entry(LayerEntry entry, long dataOffset) throws IOException;
  }

  private record PendingDirectory(Path path, int mode, long mtime) {}

  /** The state of applying one layer. */
  private final class LayerApplication {
    // One buffer for every file of the layer: InputStream.transferTo allocates one per file,
    // which for a base of tens of thousands of files was a third of a cold build's garbage.
    private final byte[] buffer = new byte[64 * 1024];

    private void copy(InputStream in, OutputStream out) throws IOException {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
      }
    }

    private final Set<String> created = new HashSet<>();
    private final List<PendingDirectory> directories = new ArrayList<>();
    private final List<Path> whiteoutDevices = new ArrayList<>();

    void apply(LayerEntry entry) throws IOException {
      String name = LayerPath.name(entry.path());
      String parent = LayerPath.parent(entry.path());
      if (entry.isWhiteout()) {
        whiteout(entry, parent, name);
        return;
      }
      if (entry.type().isDevice() && !options.devices()) {
        return;
      }
      String directory = paths.directory(entry.path(), parent, true);
      String relative = LayerPath.child(directory, name);
      Path path = paths.absolute(relative);
      try {
        create(entry, relative, path);
      } catch (LayerFormatException e) {
        throw e;
      } catch (IOException e) {
        throw new IOException(
            "extracting layer entry '" + entry.path() + "': " + e.getMessage(), e);
      }
      created.add(relative);
    }

    /** Records a whiteout the way overlayfs stores it, for a layer unpacked on its own. */
    private void overlayWhiteout(LayerEntry entry, String directory, String name)
        throws IOException {
      if (entry.isOpaqueWhiteout()) {
        ExtendedAttributes.set(
            paths.absolute(directory).toAbsolutePath(),
            options.opaqueAttribute(),
            "y".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return;
      }
      String hidden = name.substring(LayerPath.WHITEOUT_PREFIX.length());
      if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
        throw new UnsafeLayerEntryException(
            entry.path(), "is a whiteout for '" + hidden + "', which is not a file name");
      }
      String relative = LayerPath.child(directory, hidden);
      if (created.contains(relative)) {
        return;
      }
      // Created together at the end of the layer: one mknod process per whiteout made layers with
      // thousands of deletions take seconds to unpack.
      whiteoutDevices.add(paths.absolute(relative));
      created.add(relative);
    }

    private void whiteout(LayerEntry entry, String parent, String name) throws IOException {
      String directory = paths.directory(entry.path(), parent, options.overlayWhiteouts());
      if (directory == null) {
        return; // nothing below to hide
      }
      if (options.overlayWhiteouts()) {
        overlayWhiteout(entry, directory, name);
        return;
      }
      if (entry.isOpaqueWhiteout()) {
        try (DirectoryStream<Path> children = Files.newDirectoryStream(paths.absolute(directory))) {
          for (Path child : children) {
            String relative = LayerPath.child(directory, child.getFileName().toString());
            if (!created.contains(relative)) {
              deleteRecursively(child);
            }
          }
        }
        return;
      }
      String hidden = name.substring(LayerPath.WHITEOUT_PREFIX.length());
      if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
        throw new UnsafeLayerEntryException(
            entry.path(), "is a whiteout for '" + hidden + "', which is not a file name");
      }
      String relative = LayerPath.child(directory, hidden);
      if (!created.contains(relative)) {
        deleteRecursively(paths.absolute(relative));
      }
    }

    private void create(LayerEntry entry, String relative, Path path) throws IOException {
      BasicFileAttributes existing = ConfinedPaths.lstat(path);
      boolean keepDirectory =
          existing != null && existing.isDirectory() && entry.type() == EntryType.DIRECTORY;
      if (existing != null && !keepDirectory) {
        deleteRecursively(path);
      }
      switch (entry.type()) {
        case DIRECTORY:
          if (!keepDirectory) {
            Files.createDirectory(path);
          }
          break;
        case REGULAR:
          try (OutputStream out =
                  Files.newOutputStream(
                      path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
              InputStream in = entry.content().open()) {
            copy(in, out);
          }
          break;
        case SYMLINK:
          createSymlink(path, entry.linkTarget());
          break;
        case HARDLINK:
          Files.createLink(path, hardlinkTarget(entry));
          return; // the link shares its file's inode, and with it all metadata
        case CHAR_DEVICE:
        case BLOCK_DEVICE:
        case FIFO:
          // Never through the JDK's setters, which would open (and block on) the node.
          DeviceNodes.create(path, entry, options.owners());
          setXattrs(path, entry);
          DeviceNodes.setMtime(path, entry.mtime());
          return;
        default:
          throw new IllegalStateException("unknown entry type " + entry.type());
      }
      if (options.owners()) {
        Files.setAttribute(path, "unix:uid", (int) entry.uid(), LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(path, "unix:gid", (int) entry.gid(), LinkOption.NOFOLLOW_LINKS);
      }
      if (entry.type() == EntryType.DIRECTORY) {
        directories.add(new PendingDirectory(path, entry.mode(), entry.mtime()));
      } else {
        // The JDK opens the file to set its time or mode; do both while our own 0644 still
        // allows that, so a mode like 0200 cannot lock out an unprivileged extractor.
        setMtime(path, entry.mtime());
        if (entry.type() != EntryType.SYMLINK) {
          // chmod would follow a symlink, and Linux has no mode on links anyway.
          Files.setAttribute(path, "unix:mode", entry.mode(), LinkOption.NOFOLLOW_LINKS);
        }
      }
      setXattrs(path, entry);
    }

    private void setXattrs(Path path, LayerEntry entry) throws IOException {
      if (options.xattrs()) {
        for (Map.Entry<String, byte[]> x : entry.xattrs().entrySet()) {
          ExtendedAttributes.set(path, x.getKey(), x.getValue());
        }
      }
    }

    private Path hardlinkTarget(LayerEntry entry) throws IOException {
      String target = entry.linkTarget();
      String directory = paths.directory(entry.path(), LayerPath.parent(target), false);
      Path path =
          directory == null
              ? null
              : paths.absolute(LayerPath.child(directory, LayerPath.name(target)));
      BasicFileAttributes attributes = path == null ? null : ConfinedPaths.lstat(path);
      if (attributes == null) {
        throw new LayerFormatException(
            "hardlink '" + entry.path() + "' points to '" + target + "', which does not exist");
      }
      if (attributes.isDirectory()) {
        throw new LayerFormatException(
            "hardlink '" + entry.path() + "' points to directory '" + target + "'");
      }
      return path;
    }

    void finish() throws IOException {
      createWhiteoutDevices(whiteoutDevices);
      for (int i = directories.size() - 1; i >= 0; i--) {
        PendingDirectory d = directories.get(i);
        setMtime(d.path(), d.mtime());
        Files.setAttribute(d.path(), "unix:mode", d.mode(), LinkOption.NOFOLLOW_LINKS);
      }
    }
  }

  /** Character devices 0/0 (overlayfs whiteouts) at {@code paths}, with one {@code xargs} run. */
  private static void createWhiteoutDevices(List<Path> paths) throws IOException {
    if (paths.isEmpty()) {
      return;
    }
    Path list = Files.createTempFile("kiln-whiteouts-", ".lst");
    try {
      StringBuilder names = new StringBuilder();
      for (Path p : paths) {
        names.append(p.toAbsolutePath()).append('\0');
      }
      Files.writeString(list, names, java.nio.charset.StandardCharsets.UTF_8);
      HostCommand.of(
              "xargs",
              "-0",
              "-r",
              "-a",
              list.toString(),
              "-I{}",
              "mknod",
              "-m",
              "0000",
              "{}",
              "c",
              "0",
              "0")
          .providedBy("coreutils")
          .run()
          .requireSuccess("create " + paths.size() + " overlay whiteout(s)");
    } finally {
      Files.deleteIfExists(list);
    }
  }

  private static void createSymlink(Path path, String target) throws IOException {
    Path asPath = Path.of(target);
    if (asPath.toString().equals(target)) {
      Files.createSymbolicLink(path, asPath);
    } else {
      HostCommand.of("ln", "-s", "--", target, path.toString())
          .providedBy("coreutils")
          .run()
          .requireSuccess("create symlink " + path + " -> " + target);
    }
  }

  private static void setMtime(Path path, long mtime) throws IOException {
    Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(FileTime.fromMillis(mtime * 1000), null, null);
  }

  private static void deleteRecursively(Path path) throws IOException {
    TreeDeletion.delete(path);
  }
}
