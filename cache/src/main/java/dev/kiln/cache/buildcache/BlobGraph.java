package dev.kiln.cache.buildcache;

import dev.kiln.cache.store.BlobReader;
import dev.kiln.cache.store.BlobVerificationException;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MalformedDocumentException;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Follows references between blobs in the store: an index names manifests, a manifest names its
 * config and layers. Used to find every blob an {@code index.json} image needs (to keep it, or to
 * measure it). Blobs the store does not hold are skipped (a foreign layer, a platform never
 * pulled); a manifest that cannot be parsed keeps only itself.
 */
final class BlobGraph {
  private final BlobReader blobs;

  BlobGraph(BlobReader blobs) {
    this.blobs = blobs;
  }

  /**
   * The blobs reachable from {@code root} (itself included) that the store holds, with their sizes
   * in the store, in the order found.
   */
  Map<Digest, Long> closure(Digest root, String mediaType) throws IOException {
    Map<Digest, Long> found = new LinkedHashMap<>();
    Deque<Descriptor> todo = new ArrayDeque<>();
    todo.add(Descriptor.of(mediaType, root, 0));
    while (!todo.isEmpty()) {
      Descriptor d = todo.removeFirst();
      if (found.containsKey(d.digest())) {
        continue;
      }
      OptionalLong size = blobs.size(d.digest());
      if (size.isEmpty()) {
        continue;
      }
      found.put(d.digest(), size.getAsLong());
      if (!MediaType.isManifest(d.mediaType()) && !MediaType.isIndex(d.mediaType())) {
        continue;
      }
      Manifest manifest;
      try {
        manifest = Manifest.parse(blobs.readAllBytes(d.digest()), d.mediaType());
      } catch (MalformedDocumentException | BlobVerificationException | NoSuchFileException e) {
        continue;
      }
      if (manifest instanceof ImageManifest m) {
        todo.addAll(m.blobs());
      } else if (manifest instanceof ImageIndex i) {
        todo.addAll(i.manifests());
      }
    }
    return found;
  }

  /**
   * The layers' diffIDs ({@code rootfs.diff_ids}) of every image config reachable from {@code
   * root}: the layers whose indexes and unpacked directories stay useful while the image is kept.
   */
  Set<Digest> diffIds(Digest root, String mediaType) throws IOException {
    Set<Digest> diffIds = new LinkedHashSet<>();
    Deque<Descriptor> todo = new ArrayDeque<>();
    Set<Digest> seen = new HashSet<>();
    todo.add(Descriptor.of(mediaType, root, 0));
    while (!todo.isEmpty()) {
      Descriptor d = todo.removeFirst();
      if (!seen.add(d.digest()) || !blobs.contains(d.digest())) {
        continue;
      }
      try {
        if (MediaType.isManifest(d.mediaType()) || MediaType.isIndex(d.mediaType())) {
          Manifest manifest = Manifest.parse(blobs.readAllBytes(d.digest()), d.mediaType());
          if (manifest instanceof ImageManifest m) {
            todo.add(m.config());
          } else if (manifest instanceof ImageIndex i) {
            todo.addAll(i.manifests());
          }
        } else if (MediaType.isConfig(d.mediaType())) {
          diffIds.addAll(ImageConfig.parse(blobs.readAllBytes(d.digest())).diffIds());
        }
      } catch (MalformedDocumentException | BlobVerificationException | NoSuchFileException e) {
        // unreadable: it names nothing that could be kept
      }
    }
    return diffIds;
  }
}
