package dev.kiln.core.snapshot;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The merged, read-only view of overlayfs-form layer directories, computed the way overlayfs
 * computes it, without mounting anything: the highest layer that has a path wins; a whiteout
 * (character device 0/0) hides the path in every lower layer; a non-directory hides everything
 * below its path; an opaque directory hides the lower layers' contents of that directory.
 *
 * <p>A directory is described by the list of layers that contribute to it (highest first), so
 * walking down the tree costs one {@code lstat} per layer and component. Opaque markers are
 * extended attributes the JDK cannot read; each layer's are read once with {@link XattrIndex#scan}
 * and kept in {@link LayerIndexCache}.
 */
final class LayerStack {
  private final List<Path> topFirst;
  private final LayerIndexCache indexes;

  LayerStack(List<Path> layersBaseFirst, LayerIndexCache indexes) {
    List<Path> reversed = new ArrayList<>();
    for (Path layer : layersBaseFirst) {
      reversed.add(layer.toAbsolutePath().normalize());
    }
    Collections.reverse(reversed);
    this.topFirst = List.copyOf(reversed);
    this.indexes = indexes;
  }

  /** The layers that contribute to the root directory: all of them. */
  List<Path> root() {
    return topFirst;
  }

  /**
   * The layers contributing to directory {@code childRel}, given those contributing to its parent;
   * empty when it is not a directory in the merged view.
   */
  List<Path> descend(List<Path> parentLayers, String childRel) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path layer : parentLayers) {
      Path entry = layer.resolve(childRel);
      Optional<FileStat> stat = FileStat.ofIfExists(entry);
      if (stat.isEmpty()) {
        continue;
      }
      if (!stat.get().isDirectory()) {
        break;
      }
      out.add(layer);
      if (indexes.of(layer).isOpaque(entry)) {
        break;
      }
    }
    return out;
  }

  /** The visible entry {@code childRel} of a directory whose contributing layers are given. */
  Optional<Path> find(List<Path> parentLayers, String childRel) throws IOException {
    for (Path layer : parentLayers) {
      Path entry = layer.resolve(childRel);
      Optional<FileStat> stat = FileStat.ofIfExists(entry);
      if (stat.isEmpty()) {
        continue;
      }
      return stat.get().isWhiteout() ? Optional.empty() : Optional.of(entry);
    }
    return Optional.empty();
  }

  /** The visible entry at {@code rel} (canonical path), resolving each directory on the way. */
  Optional<Path> find(String rel) throws IOException {
    List<Path> layers = topFirst;
    String[] parts = rel.split("/");
    String current = "";
    for (int i = 0; i < parts.length - 1; i++) {
      current = current.isEmpty() ? parts[i] : current + "/" + parts[i];
      layers = descend(layers, current);
      if (layers.isEmpty()) {
        return Optional.empty();
      }
    }
    return find(layers, rel);
  }

  /** The visible children of directory {@code rel}: name to the entry that wins, sorted by name. */
  Map<String, Path> children(List<Path> dirLayers, String rel) throws IOException {
    Map<String, Path> visible = new TreeMap<>();
    Set<String> seen = new HashSet<>();
    for (Path layer : dirLayers) {
      Path dir = rel.isEmpty() ? layer : layer.resolve(rel);
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
        for (Path entry : entries) {
          String name = entry.getFileName().toString();
          if (!seen.add(name)) {
            continue;
          }
          if (!FileStat.of(entry).isWhiteout()) {
            visible.put(name, entry);
          }
        }
      }
    }
    return visible;
  }

  /** The extended attributes of a layer entry. */
  XattrIndex indexOf(Path layerEntry) {
    for (Path layer : topFirst) {
      if (layerEntry.startsWith(layer)) {
        return indexes.of(layer);
      }
    }
    return XattrIndex.empty();
  }

  /**
   * Extended-attribute indexes of layer directories, read once each. Layer directories are
   * immutable (content-addressed), so an index never goes stale while the cache lives.
   */
  static final class LayerIndexCache {
    private final Map<Path, XattrIndex> byLayer = new ConcurrentHashMap<>();

    XattrIndex of(Path layer) {
      return byLayer.computeIfAbsent(layer, XattrIndex::scan);
    }
  }
}
