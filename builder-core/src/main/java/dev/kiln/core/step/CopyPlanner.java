package dev.kiln.core.step;

import dev.kiln.core.fs.StackView;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.dockerfile.instructions.SourceContent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a {@link CopyRequest} into the entries of its layer, with BuildKit's COPY rules:
 *
 * <ul>
 *   <li>a relative destination starts at WORKDIR; one ending in {@code /} (or {@code .}) is a
 *       directory; so is an existing directory of the image, which a file is copied into;
 *   <li>a directory source copies its contents, not itself; a symlink named as a source is
 *       followed, symlinks inside copied directories are kept;
 *   <li>a wildcard that matches nothing copies (and creates) nothing; a plain path that does not
 *       exist fails;
 *   <li>the destination of a directory copy, when missing, is created 0755 and owned by {@code
 *       --chown}'s user, like the parents; the source directory's own metadata is not copied;
 *   <li>destination paths are resolved through the image's symlinks (so {@code /bin/x} lands in
 *       {@code usr/bin/x} on a merged-usr image), and parent directories that already exist keep
 *       their metadata while missing ones are created 0755, owned by {@code --chown}'s user;
 *   <li>files from the build context belong to root unless {@code --chown}; files from another
 *       stage keep their owners; {@code --chmod} applies to copied files and directories;
 *   <li>names of one file within one source (hard links in the context, another stage or an
 *       archive) stay hard links to each other;
 *   <li>a copy never changes what kind of thing a path of the image is (fsutil's copier): a
 *       directory copied where the image (or an earlier source of the same copy) has a file, a
 *       symlink or another non-directory fails ("cannot copy to non-directory"), as does a file,
 *       symlink or device copied where it has a directory ("cannot replace to directory … with
 *       file"), or a destination below a file. Only the destination itself is resolved through the
 *       image's symlinks; a directory inside a copied tree meets a symlink of the image as a
 *       non-directory. Members of an unpacked archive replace what is there, as extraction does,
 *       and {@code --link} copies onto nothing, so neither can clash.
 * </ul>
 */
public final class CopyPlanner {
  private final CopyRequest request;
  private final ArchiveUnpacker unpacker;

  /** Link group → the first destination of that file, for the source being copied. */
  private final Map<String, String> linkedNames = new HashMap<>();

  public CopyPlanner(CopyRequest request, ArchiveUnpacker unpacker) {
    this.request = request;
    this.unpacker = unpacker;
  }

  /** The layer's entries. */
  public LayerTree plan() throws IOException, CopyFailure {
    String destRaw = request.dest();
    boolean destIsDir =
        destRaw.endsWith("/") || destRaw.equals(".") || destRaw.isEmpty() || destRaw.endsWith("/.");
    String absolute = destRaw.startsWith("/") ? destRaw : request.workdir() + "/" + destRaw;
    String dest = LayerPath.normalize(absolute);
    StackView rootfs = request.rootfs().orElse(null);
    if (rootfs != null) {
      PathResolver.Resolution resolved =
          PathResolver.resolve(rootfs.tree(), dest, true, PathResolver.Escape.CLAMP);
      if (resolved.status() == PathResolver.Status.NOT_A_DIRECTORY) {
        // fsutil's MkdirAll of the destination's directory stops at a file: ENOTDIR.
        throw belowANonDirectory(
            dest, resolved.path(), rootfs.get(resolved.path()).map(StackView.Node::type));
      }
      dest = resolved.path();
    }
    boolean destExistsAsDir =
        dest.isEmpty()
            || (rootfs != null
                && rootfs.get(dest).map(n -> n.type() == EntryType.DIRECTORY).orElse(false));

    if (request.parents()) {
      return planParents(dest, rootfs);
    }
    List<Match> matches = new ArrayList<>();
    for (String source : request.sources()) {
      matches.addAll(match(source));
    }
    int total = matches.size() + request.heredocs().size();
    if (total > 1 || request.sources().stream().anyMatch(PathGlob::hasWildcard)) {
      if (total > 1 && !destIsDir && !destExistsAsDir) {
        throw new CopyFailure(
            "When using "
                + request.instruction()
                + " with more than one source file, the destination must be a directory and end with a /",
            "write the destination as " + destRaw + "/");
      }
    }
    boolean intoDir = destIsDir || destExistsAsDir || total > 1;

    LayerTree tree = new LayerTree();
    Set<String> written = new LinkedHashSet<>();
    PatternMatcher excludes =
        request.excludes().isEmpty() ? null : PatternMatcher.of(request.excludes());
    for (Match m : matches) {
      // fsutil keeps hard links within one source's copy (its inode map lives per Copy call).
      linkedNames.clear();
      SourceFile file = m.file();
      if (file.isDirectory()) {
        addDirectoryContents(tree, written, file, dest, excludes);
      } else if (request.unpackArchives()
          && file.type() == EntryType.REGULAR
          && unpacker.isArchive(file)) {
        for (SourceFile member : unpacker.unpack(file)) {
          add(tree, written, member, join(dest, member.path()), true);
        }
      } else {
        if (excludes != null && excludes.matchesOrParentMatches(m.name())) {
          continue;
        }
        String target = intoDir ? join(dest, m.name()) : dest;
        add(tree, written, file, target, false);
      }
    }
    for (SourceContent doc : request.heredocs()) {
      byte[] data = doc.data().getBytes(StandardCharsets.UTF_8);
      String name = LayerPath.normalize(doc.path());
      String target = intoDir ? join(dest, name) : dest;
      SourceFile file =
          new SourceFile(LayerEntry.regularFile(name, 0644, 0, 0, request.createdTime(), data));
      add(tree, written, file, target, false);
    }
    if (total > 0
        && intoDir
        && !dest.isEmpty()
        && !written.contains(dest)
        && (rootfs == null || rootfs.get(dest).isEmpty())) {
      // Copying anything into a directory creates it (fsutil's MkdirAll), even when every match
      // was excluded; a wildcard that matched nothing creates nothing (docopy returns first). An
      // existing destination is left to addParents: it is in the layer, with its own metadata,
      // only when something was copied into it.
      written.add(dest);
      tree.add(createdDirectory(dest));
    }
    addParents(tree, written, rootfs);
    return tree;
  }

  /**
   * {@code COPY --parents}, as dockerfile2llb lowers it: each source {@code base/./pattern} (no
   * pivot: base is the root) copies the contents of {@code base} into the destination, keeping only
   * paths the pattern matches (or lies below, with {@code **} allowed, as .dockerignore patterns
   * are read); the directories leading to a kept path are created with their source metadata
   * (fsutil's createParentDirs). A pattern without wildcards must match something.
   */
  private LayerTree planParents(String dest, StackView rootfs) throws IOException, CopyFailure {
    LayerTree tree = new LayerTree();
    Set<String> written = new LinkedHashSet<>();
    PatternMatcher excludes =
        request.excludes().isEmpty() ? null : PatternMatcher.of(request.excludes());
    boolean any = !request.heredocs().isEmpty();
    for (String source : request.sources()) {
      int pivot = source.indexOf("/./");
      String base = pivot < 0 ? "" : LayerPath.normalize(source.substring(0, pivot));
      String pattern = LayerPath.normalize(pivot < 0 ? source : source.substring(pivot + 3));
      if (PathGlob.hasWildcard(base)) {
        throw new CopyFailure(
            request.instruction()
                + " --parents: a wildcard before /./ is not supported ("
                + source
                + ")",
            "write the part before /./ as a plain directory");
      }
      Optional<SourceFile> baseDir =
          base.isEmpty() ? Optional.empty() : request.tree().stat(base, true);
      if (!base.isEmpty() && (baseDir.isEmpty() || !baseDir.get().isDirectory())) {
        throw new CopyFailure(
            request.instruction()
                + " failed: \"/"
                + base
                + "\": not found in the "
                + request.tree().describe(),
            "check the path before /./");
      }
      String root = baseDir.map(SourceFile::path).orElse("");
      PatternMatcher include = PatternMatcher.of(List.of(pattern));
      Map<String, SourceFile> directories = new HashMap<>();
      List<SourceFile> kept = new ArrayList<>();
      String prefix = root.isEmpty() ? "" : root + "/";
      request
          .tree()
          .walk(
              root,
              file -> {
                String rel = file.path().substring(prefix.length());
                if (file.isDirectory()) {
                  directories.put(rel, file);
                }
                if (include.matchesOrParentMatches(rel)
                    && (excludes == null || !excludes.matchesOrParentMatches(rel))) {
                  kept.add(file);
                }
              });
      if (kept.isEmpty() && !PathGlob.hasWildcard(pattern)) {
        throw new CopyFailure(
            request.instruction()
                + " failed: \"/"
                + LayerPath.child(base, pattern)
                + "\": not found in the "
                + request.tree().describe(),
            "check the path, and that .dockerignore does not exclude it");
      }
      any |= !kept.isEmpty();
      linkedNames.clear();
      for (SourceFile file : kept) {
        String rel = file.path().substring(prefix.length());
        for (String p = LayerPath.parent(rel); !p.isEmpty(); p = LayerPath.parent(p)) {
          String target = join(dest, p);
          if (written.contains(target)) {
            break;
          }
          boolean exists = rootfs != null && rootfs.get(target).isPresent();
          if (!exists && directories.containsKey(p)) {
            add(tree, written, directories.get(p), target, false);
          }
        }
        add(tree, written, file, join(dest, rel), false);
      }
    }
    for (SourceContent doc : request.heredocs()) {
      // Heredoc sources have no parents to keep.
      byte[] data = doc.data().getBytes(StandardCharsets.UTF_8);
      String name = LayerPath.normalize(doc.path());
      add(
          tree,
          written,
          new SourceFile(LayerEntry.regularFile(name, 0644, 0, 0, request.createdTime(), data)),
          join(dest, name),
          false);
    }
    if (any
        && !dest.isEmpty()
        && !written.contains(dest)
        && (rootfs == null || rootfs.get(dest).isEmpty())) {
      written.add(dest);
      tree.add(createdDirectory(dest));
    }
    addParents(tree, written, rootfs);
    return tree;
  }

  private void addDirectoryContents(
      LayerTree tree, Set<String> written, SourceFile dir, String dest, PatternMatcher excludes)
      throws IOException, CopyFailure {
    if (!dest.isEmpty() && !written.contains(dest)) {
      StackView rootfs = request.rootfs().orElse(null);
      Optional<EntryType> there = existingType(tree, dest);
      if (there.isPresent() && there.get() != EntryType.DIRECTORY) {
        throw notADirectory(dest, dir.path(), there.get(), tree.get(dest).isPresent());
      }
      boolean exists = rootfs != null && rootfs.get(dest).isPresent();
      if (!exists) {
        // fsutil's prepareTargetDir makes the destination with MkdirAll(0755, chown) before
        // copying the contents into it, so it does not take the source directory's metadata
        // (nor --chmod); only the directories below it do.
        tree.add(createdDirectory(dest));
        written.add(dest);
      }
    }
    String prefix = dir.path().isEmpty() ? "" : dir.path() + "/";
    List<Exception> failures = new ArrayList<>();
    request
        .tree()
        .walk(
            dir.path(),
            file -> {
              String rel = file.path().substring(prefix.length());
              if (excludes != null && excludes.matchesOrParentMatches(rel)) {
                return;
              }
              if (!failures.isEmpty()) {
                return;
              }
              try {
                add(tree, written, file, join(dest, rel), false);
              } catch (IOException | CopyFailure e) {
                failures.add(e);
              }
            });
    if (!failures.isEmpty()) {
      if (failures.get(0) instanceof CopyFailure f) {
        throw f;
      }
      throw (IOException) failures.get(0);
    }
  }

  private void add(
      LayerTree tree, Set<String> written, SourceFile file, String target, boolean fromArchive)
      throws IOException, CopyFailure {
    if (target.isEmpty()) {
      return; // the root directory itself is never an entry
    }
    if (!fromArchive) {
      checkKindKept(tree, file, target);
    }
    LayerEntry source = file.toLayerEntry();
    long uid = 0;
    long gid = 0;
    if (request.owner().isPresent()) {
      uid = request.owner().get().uid();
      gid = request.owner().get().gid();
    } else if (request.tree().keepsOwners() || fromArchive) {
      uid = source.uid();
      gid = source.gid();
    }
    int mode = source.mode();
    if (request.chmod().isPresent() && file.type() != EntryType.SYMLINK) {
      mode = request.chmod().get().apply(mode, file.isDirectory()) & 07777;
    }
    if (file.linkGroup() != null && file.type() == EntryType.REGULAR) {
      String first = linkedNames.putIfAbsent(file.linkGroup(), target);
      if (first != null && !first.equals(target)) {
        // Another name of a file already copied: a hard link (LayerTree picks which name
        // carries the content).
        addEntry(tree, written, LayerEntry.hardlink(target, first, mode, uid, gid, source.mtime()));
        return;
      }
    }
    LayerEntry entry =
        new LayerEntry(
            target,
            source.type(),
            mode,
            uid,
            gid,
            source.size(),
            source.mtime(),
            source.linkTarget(),
            source.devMajor(),
            source.devMinor(),
            source.xattrs(),
            source.content());
    addEntry(tree, written, entry);
  }

  private static void addEntry(LayerTree tree, Set<String> written, LayerEntry entry)
      throws IOException {
    try {
      tree.add(entry);
    } catch (IllegalArgumentException e) {
      throw new IOException("cannot copy to /" + entry.path() + ": " + e.getMessage(), e);
    }
    written.add(entry.path());
  }

  private void addParents(LayerTree tree, Set<String> written, StackView rootfs)
      throws CopyFailure {
    Set<String> parents = new LinkedHashSet<>();
    for (String path : written) {
      for (String p = LayerPath.parent(path); !p.isEmpty(); p = LayerPath.parent(p)) {
        if (!written.contains(p)) {
          parents.add(p);
        }
      }
    }
    for (String parent : parents) {
      if (tree.get(parent).isPresent()) {
        continue;
      }
      Optional<StackView.Node> existing = rootfs == null ? Optional.empty() : rootfs.get(parent);
      if (existing.isPresent() && existing.get().type() == EntryType.DIRECTORY) {
        StackView.Node n = existing.get();
        tree.add(LayerEntry.directory(parent, n.mode(), n.uid(), n.gid(), n.mtime()));
      } else if (existing.isPresent()) {
        // fsutil's MkdirAll of the destination's parents stops at a file: ENOTDIR.
        String below = written.stream().filter(p -> p.startsWith(parent + "/")).findFirst().get();
        throw belowANonDirectory(below, parent, existing.map(StackView.Node::type));
      } else {
        tree.add(createdDirectory(parent));
      }
    }
  }

  /**
   * Fails when {@code file} would change the kind of what is at {@code target}: a directory over a
   * non-directory, or a non-directory over a directory (fsutil's copyDirectoryOnly and
   * ensureEmptyFileTarget). Anything else over a non-directory replaces it; a directory over a
   * directory merges.
   */
  private void checkKindKept(LayerTree tree, SourceFile file, String target) throws CopyFailure {
    Optional<EntryType> there = existingType(tree, target);
    if (there.isEmpty()) {
      return;
    }
    boolean dirThere = there.get() == EntryType.DIRECTORY;
    boolean inThisCopy = tree.get(target).isPresent();
    if (file.isDirectory() && !dirThere) {
      throw notADirectory(target, file.path(), there.get(), inThisCopy);
    }
    if (!file.isDirectory() && dirThere) {
      throw new CopyFailure(
          request.instruction()
              + " failed: cannot replace to directory /"
              + target
              + " with file: "
              + source(file.path())
              + " is "
              + kindName(file.type())
              + ", and "
              + (inThisCopy
                  ? "an earlier source of this copy made /" + target + " a directory"
                  : "/" + target + " is a directory in the image"),
          "copy to another path (a destination ending in / copies into a directory), or remove /"
              + target
              + " in an earlier step");
    }
  }

  private CopyFailure belowANonDirectory(String target, String file, Optional<EntryType> type) {
    return new CopyFailure(
        request.instruction()
            + " failed: cannot copy to /"
            + target
            + ": /"
            + file
            + " is "
            + kindName(type.orElse(EntryType.REGULAR))
            + " in the image, not a directory",
        "choose a destination whose parent directories are directories, or remove /"
            + file
            + " in an earlier step");
  }

  private CopyFailure notADirectory(
      String target, String sourcePath, EntryType there, boolean inThisCopy) {
    return new CopyFailure(
        request.instruction()
            + " failed: cannot copy to non-directory: /"
            + target
            + " is "
            + kindName(there)
            + (inThisCopy ? " (an earlier source of this copy put it there)" : " in the image")
            + ", and "
            + source(sourcePath)
            + " is a directory",
        "copy the directory somewhere else (e.g. /"
            + target
            + ".d/), or remove /"
            + target
            + " in an earlier step; only the destination itself is followed through a symlink");
  }

  /** What is at {@code path} before this entry: earlier in this copy, else in the image. */
  private Optional<EntryType> existingType(LayerTree tree, String path) {
    Optional<LayerEntry> own = tree.get(path);
    if (own.isPresent()) {
      EntryType type = own.get().type();
      return Optional.of(type == EntryType.HARDLINK ? EntryType.REGULAR : type);
    }
    return request.rootfs().flatMap(r -> r.get(path)).map(StackView.Node::type);
  }

  private String source(String path) {
    return "the source " + (path.isEmpty() ? "/" : path) + " of the " + request.tree().describe();
  }

  private static String kindName(EntryType type) {
    return switch (type) {
      case DIRECTORY -> "a directory";
      case REGULAR, HARDLINK -> "a file";
      case SYMLINK -> "a symbolic link";
      case CHAR_DEVICE, BLOCK_DEVICE -> "a device";
      case FIFO -> "a FIFO";
    };
  }

  private LayerEntry createdDirectory(String path) {
    Owner owner = request.owner().orElse(Owner.ROOT);
    return LayerEntry.directory(path, 0755, owner.uid(), owner.gid(), request.createdTime());
  }

  /** A source path's matches in the tree, in order; fails if a plain path is missing. */
  private List<Match> match(String source) throws IOException, CopyFailure {
    String rel = LayerPath.normalize(source);
    List<Match> out = new ArrayList<>();
    if (!PathGlob.hasWildcard(rel)) {
      String literal = PathGlob.unescape(rel);
      Optional<SourceFile> file = request.tree().stat(literal, true);
      if (file.isEmpty()) {
        throw new CopyFailure(
            request.instruction()
                + " failed: \"/"
                + literal
                + "\": not found in the "
                + request.tree().describe(),
            request.tree().keepsOwners()
                ? "check the path in the source stage or image"
                : "check the path, and that .dockerignore does not exclude it");
      }
      String name =
          literal.contains("/") ? literal.substring(literal.lastIndexOf('/') + 1) : literal;
      out.add(new Match(file.get(), name));
      return out;
    }
    String[] segments = rel.split("/");
    List<String> candidates = List.of("");
    for (String segment : segments) {
      List<String> next = new ArrayList<>();
      for (String dir : candidates) {
        if (PathGlob.hasWildcard(segment)) {
          for (String name : request.tree().list(dir)) {
            boolean hit;
            try {
              PathGlob.validate(segment);
              hit = PathGlob.matches(segment, name);
            } catch (IllegalArgumentException e) {
              throw new CopyFailure(
                  request.instruction()
                      + " failed: bad pattern \""
                      + source
                      + "\": "
                      + e.getMessage(),
                  "fix the pattern (Go path.Match syntax)");
            }
            if (hit) {
              next.add(dir.isEmpty() ? name : dir + "/" + name);
            }
          }
        } else {
          String name = PathGlob.unescape(segment);
          next.add(dir.isEmpty() ? name : dir + "/" + name);
        }
      }
      candidates = next;
    }
    for (String path : candidates) {
      Optional<SourceFile> file = request.tree().stat(path, true);
      if (file.isPresent()) {
        String name = path.contains("/") ? path.substring(path.lastIndexOf('/') + 1) : path;
        out.add(new Match(file.get(), name));
      }
    }
    return out;
  }

  private static String join(String dir, String rel) {
    String r = LayerPath.normalize(rel);
    if (dir.isEmpty()) {
      return r;
    }
    return r.isEmpty() ? dir : dir + "/" + r;
  }

  /** A matched source and the name it was matched by (a followed symlink keeps its own name). */
  private record Match(SourceFile file, String name) {}
}
