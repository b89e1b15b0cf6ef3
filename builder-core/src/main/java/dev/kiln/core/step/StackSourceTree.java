package dev.kiln.core.step;

import dev.kiln.core.fs.LayerBytes;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.fs.path.PathResolver;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The files of another stage or an image, as {@code COPY --from} reads them: its {@link StackView},
 * so the copy sees exactly what RUN and the exports see, and reads no layer to find a path. Bytes
 * come from a layer's unpacked directory when the store has one; otherwise, the first time a file
 * of a layer is opened, every file of that layer the tree has handed out so far is copied to the
 * spool directory in one pass over the layer (so N files cost one read of it, and a layer no file
 * is read from is not read at all).
 *
 * <p>Paths resolve through the view's symlinks inside the image ({@link PathResolver}, as a
 * chrooted process would); files keep their owners.
 */
public final class StackSourceTree implements SourceTree {
  private final StackView view;
  private final String description;
  private final Path spool;
  private final Map<LayerBytes, Map<Long, Path>> spooled = new IdentityHashMap<>();
  private final Map<LayerBytes, List<LayerBytes.Extract>> pending = new IdentityHashMap<>();
  private int counter;

  /**
   * @param spool a directory for file contents copied out of layers, removed by the caller
   */
  public StackSourceTree(StackView view, String description, Path spool) {
    this.view = view;
    this.description = description;
    this.spool = spool;
  }

  @Override
  public Optional<SourceFile> stat(String path, boolean follow) throws IOException {
    PathResolver.Resolution r =
        PathResolver.resolve(view.tree(), path, follow, PathResolver.Escape.CLAMP);
    if (!r.found()) {
      return Optional.empty();
    }
    Optional<StackView.Node> node = view.get(r.path());
    if (node.isEmpty()) {
      return Optional.empty();
    }
    fetch(List.of(node.get()));
    return Optional.of(file(r.path(), node.get()));
  }

  @Override
  public List<String> list(String dir) throws IOException {
    String resolved = view.resolve(dir, true);
    List<String> names = new ArrayList<>(view.children(resolved));
    names.sort(StackSourceTree::compareBytes);
    return names;
  }

  @Override
  public void walk(String dir, Consumer<SourceFile> sink) throws IOException {
    List<String> paths = new ArrayList<>();
    List<StackView.Node> nodes = new ArrayList<>();
    collect(LayerPath.normalize(dir), paths, nodes);
    fetch(nodes);
    for (int i = 0; i < paths.size(); i++) {
      sink.accept(file(paths.get(i), nodes.get(i)));
    }
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public boolean keepsOwners() {
    return true;
  }

  private void collect(String dir, List<String> paths, List<StackView.Node> nodes)
      throws IOException {
    for (String name : list(dir)) {
      String path = LayerPath.child(dir, name);
      Optional<StackView.Node> node = view.get(path);
      if (node.isEmpty()) {
        continue;
      }
      paths.add(path);
      nodes.add(node.get());
      if (node.get().isDirectory()) {
        collect(path, paths, nodes);
      }
    }
  }

  /** Remembers the nodes whose bytes must come out of a layer that is not unpacked. */
  private void fetch(List<StackView.Node> nodes) {
    for (StackView.Node n : nodes) {
      StackView.Origin origin = n.origin();
      if (origin == null || origin.bytes().isUnpacked()) {
        continue;
      }
      Map<Long, Path> known = spooled.computeIfAbsent(origin.bytes(), b -> new HashMap<>());
      if (!known.containsKey(origin.offset())) {
        known.put(origin.offset(), null);
        pending
            .computeIfAbsent(origin.bytes(), b -> new ArrayList<>())
            .add(new LayerBytes.Extract(origin.offset(), n.header().size(), null));
      }
    }
  }

  /** The spooled copy of the file at {@code origin}, copying out its layer's pending files. */
  private synchronized Path spooledFile(StackView.Origin origin) throws IOException {
    Map<Long, Path> known = spooled.get(origin.bytes());
    Path file = known.get(origin.offset());
    if (file == null) {
      List<LayerBytes.Extract> wanted = new ArrayList<>();
      Files.createDirectories(spool);
      for (LayerBytes.Extract x : pending.remove(origin.bytes())) {
        Path target = spool.resolve(Integer.toString(counter++));
        known.put(x.offset(), target);
        wanted.add(new LayerBytes.Extract(x.offset(), x.size(), target));
      }
      origin.bytes().extractAll(wanted);
      file = known.get(origin.offset());
    }
    return file;
  }

  private SourceFile file(String path, StackView.Node node) {
    LayerEntry e = node.entry();
    if (e == null) {
      return SourceFile.ROOT; // the only node no layer describes
    }
    StackView.Origin origin = node.origin();
    if (origin != null && spooled.containsKey(origin.bytes())) {
      e = e.withContent(e.size(), () -> Files.newInputStream(spooledFile(origin)));
    }
    return new SourceFile(e.path().equals(path) ? e : e.withPath(path), node.linkGroup());
  }

  private static int compareBytes(String a, String b) {
    return LayerPath.compare(a, b);
  }
}
