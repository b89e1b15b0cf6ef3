package dev.kiln.core.checksum;

import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The file system a set of {@link LayerEntry}s describes, as a {@link FileTree}: for {@code COPY
 * --from} a stage whose files the engine holds as entries rather than on disk.
 *
 * <p>The entries must describe one file system, with later layers already applied: whiteouts are
 * refused. A directory that only appears as the parent of an entry exists with mode 0755 owned by
 * root, as an extractor would create it. A hardlink's content is its target's.
 *
 * <p>Regular files are read through their {@link LayerEntry#content()} sources when their checksum
 * is first needed, once each.
 */
public final class LayerEntryTree implements FileTree {
  private static final FileMeta IMPLICIT_DIRECTORY = FileMeta.directory(0755, 0, 0);

  private final Map<String, LayerEntry> entries = new HashMap<>();
  private final Map<String, TreeSet<String>> children = new HashMap<>();
  private final Map<String, FileContent> contents = new HashMap<>();
  private final String description;

  /**
   * A tree of {@code entries}, described as {@code description} in messages.
   *
   * @throws IllegalArgumentException for a whiteout or a path given twice
   */
  public LayerEntryTree(Collection<LayerEntry> entries, String description) {
    this.description = description;
    children.put("", new TreeSet<>(DirectoryTree::compareUtf8));
    for (LayerEntry e : entries) {
      if (e.isWhiteout()) {
        throw new IllegalArgumentException(
            e.path() + ": whiteouts cannot be checksummed; apply the layers first");
      }
      if (this.entries.put(e.path(), e) != null) {
        throw new IllegalArgumentException(e.path() + " is given twice");
      }
      String path = e.path();
      while (!path.isEmpty()) {
        String parent = LayerPath.parent(path);
        children
            .computeIfAbsent(parent, p -> new TreeSet<>(DirectoryTree::compareUtf8))
            .add(LayerPath.name(path));
        path = parent;
      }
    }
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public Optional<FileMeta> stat(String path) {
    LayerEntry e = entries.get(path);
    if (e == null) {
      return path.isEmpty() || children.containsKey(path)
          ? Optional.of(IMPLICIT_DIRECTORY)
          : Optional.empty();
    }
    return Optional.of(
        new FileMeta(
            e.type(),
            e.mode(),
            e.uid(),
            e.gid(),
            e.size(),
            e.linkTarget(),
            e.devMajor(),
            e.devMinor()));
  }

  @Override
  public List<String> childNames(String directory) {
    TreeSet<String> names = children.get(directory);
    return names == null ? List.of() : new ArrayList<>(names);
  }

  @Override
  public synchronized FileContent content(String path) throws IOException {
    FileContent known = contents.get(path);
    if (known != null) {
      return known;
    }
    LayerEntry e = entries.get(path);
    if (e == null) {
      throw new NoSuchFileException(path, null, "not in " + description);
    }
    LayerEntry source = e;
    if (e.type() == EntryType.HARDLINK) {
      source = entries.get(e.linkTarget());
      if (source == null || source.type() != EntryType.REGULAR) {
        throw new NoSuchFileException(
            path, e.linkTarget(), "hardlink target is not a regular file in " + description);
      }
    }
    MessageDigest hash = Digest.newSha256();
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = source.content().open()) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        hash.update(buffer, 0, n);
      }
    }
    byte[] capability = source.xattrs().get("security.capability");
    FileContent content = new FileContent(Digest.ofSha256(hash.digest()), capability);
    contents.put(path, content);
    return content;
  }
}
