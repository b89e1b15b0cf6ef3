package dev.kiln.core.engine;

import dev.kiln.cache.store.UnpackedLayers;
import dev.kiln.core.fs.LayerIndex;
import dev.kiln.core.fs.LayerIndexStore;
import dev.kiln.core.fs.LayerUnpacking;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.fs.VerifiedBlobs;
import dev.kiln.core.host.XattrPrograms;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.ExtractOptions;
import dev.kiln.core.layer.LayerEntry;
import dev.kiln.core.layer.LayerExtractor;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.core.layer.VerifiedTar;
import dev.kiln.core.sandbox.HostIdentity;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every layer a RUN step needs, unpacked once into its own directory in overlayfs form under the
 * store ({@code layers/<diffID hex>}), named by content so every build and every kiln process
 * shares it. A directory appears only complete: it is unpacked beside its name and renamed into
 * place; if another process got there first, its copy is kept. Within one build each layer is
 * unpacked by one thread while the others that need it wait.
 */
final class LayerDirectories implements LayerUnpacking {
  private final Path root;
  private final ExtractOptions extractOptions;
  private final VerifiedBlobs verified;
  private final Map<String, Object> unpacking = new ConcurrentHashMap<>();

  /**
   * @param verified which blobs are known to have their diffIDs: a directory named by a diffID is
   *     handed out for a blob only once it is
   */
  LayerDirectories(Path root, ExtractOptions extractOptions, VerifiedBlobs verified) {
    this.root = root;
    this.extractOptions = extractOptions;
    this.verified = verified;
  }

  /**
   * The layer directories of {@code storeRoot} for the user running kiln. Without root a layer is
   * unpacked differently (no owners, devices or attributes), and so it is by root without {@code
   * setfattr} (no attributes but {@code user.*}, opaque markers included): each form lives apart,
   * so a store used in more than one way never mixes them.
   */
  static LayerDirectories forCurrentUser(Path storeRoot, VerifiedBlobs verified) {
    if (!HostIdentity.current().isRoot()) {
      return new LayerDirectories(
          UnpackedLayers.unprivilegedDirectory(storeRoot),
          ExtractOptions.unprivilegedOverlayLayer(),
          verified);
    }
    return XattrPrograms.installed()
        ? new LayerDirectories(
            UnpackedLayers.directory(storeRoot), ExtractOptions.overlayLayer(), verified)
        : new LayerDirectories(
            UnpackedLayers.userXattrsDirectory(storeRoot), ExtractOptions.overlayLayer(), verified);
  }

  /**
   * Takes a RUN's changes as the directory of the layer written from them, when the snapshotter can
   * hand them over, so the next RUN of the stage does not unpack that layer again.
   */
  void adopt(dev.kiln.registry.model.Digest diffId, dev.kiln.core.snapshot.Snapshot snapshot)
      throws IOException {
    Files.createDirectories(root);
    Path dir = root.resolve(diffId.hex());
    if (snapshot.moveChangesTo(dir)) {
      UnpackedLayers.markUsed(dir);
    }
  }

  /** The unpacked directory of the layer {@code diffId}, if the store has it already. */
  @Override
  public Optional<Path> existing(dev.kiln.registry.model.Digest diffId) {
    Path dir = root.resolve(diffId.hex());
    return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
  }

  /**
   * The directory of the top layer of {@code view} for an overlay stack of that view. A layer whose
   * entries only make sense on the layers below it (an entry added through a lower symlink, a hard
   * link into a lower layer) cannot be its own tar unpacked alone, or RUN would see other files
   * than COPY and the exports: it gets a directory of its own for this stack, named by the stack's
   * chain ID, made from the entries as the view places them.
   */
  Path forStack(StackView view, LayerRef layer, BlobSource blobs) throws IOException {
    // The stack's directory is named by chain ID, that is by diffIDs: one made from another blob
    // with the same diffIDs is used for this one only once this blob is shown to have its diffID.
    verified.check(layer, blobs);
    if (!view.topDependsOnLayersBelow()) {
      return get(layer, blobs);
    }
    String name = view.chainId().orElseThrow().hex();
    Path dir = root.resolve(name);
    if (!Files.isDirectory(dir)) {
      synchronized (unpacking.computeIfAbsent(name, k -> new Object())) {
        publish(dir, temp -> new LayerExtractor(temp, extractOptions).extract(placed(view)));
      }
    }
    UnpackedLayers.markUsed(dir);
    return dir;
  }

  /** The top layer of {@code view} as entries: files where the view puts them, then whiteouts. */
  private static List<LayerEntry> placed(StackView view) {
    List<LayerEntry> entries = new ArrayList<>();
    for (StackView.Node node : view.topEntries()) {
      entries.add(node.entry());
    }
    for (String hidden : view.topWhiteouts()) {
      entries.add(LayerEntry.whiteout(hidden, 0));
    }
    for (String dir : view.topOpaqueDirectories()) {
      entries.add(LayerEntry.opaqueWhiteout(dir, 0));
    }
    return entries;
  }

  Path get(LayerRef layer, BlobSource blobs) throws IOException {
    return unpack(layer, blobs, null);
  }

  @Override
  public Path unpack(LayerRef layer, BlobSource blobs, LayerIndexStore indexes) throws IOException {
    Path dir = root.resolve(layer.diffId().hex());
    if (!Files.isDirectory(dir)) {
      // Parallel stages on one base need the same layers at the same moment: unpack each once.
      synchronized (unpacking.computeIfAbsent(layer.diffId().hex(), k -> new Object())) {
        unpack(layer, blobs, dir, indexes);
      }
    }
    // Unpacked now from this blob (and so checked) or earlier, maybe from another blob.
    verified.check(layer, blobs);
    UnpackedLayers.markUsed(dir);
    return dir;
  }

  private Path unpack(LayerRef layer, BlobSource blobs, Path dir, LayerIndexStore indexes)
      throws IOException {
    return publish(
        dir,
        temp -> {
          // A layer nobody has indexed yet (a base layer just pulled) is indexed as it is
          // unpacked: decompressing it is most of the cost of either.
          boolean indexing = indexes != null && indexes.find(layer.diffId()).isEmpty();
          LayerIndex.Builder index = new LayerIndex.Builder();
          // The directory is named by the diffID the config claims: it is published (and
          // indexed) only once the bytes are shown to have it.
          try (VerifiedTar tar =
                  VerifiedTar.open(
                      blobs.open(layer.blob()),
                      blobs.imageName(),
                      layer.blob().digest(),
                      layer.diffId());
              LayerReader reader = LayerReader.ofTar(tar)) {
            new LayerExtractor(temp, extractOptions)
                .extract(reader, indexing ? index::add : (entry, dataOffset) -> {});
            tar.verify();
          }
          verified.record(layer.blob().digest(), layer.diffId());
          if (indexing) {
            indexes.put(layer.diffId(), index.build());
          }
        });
  }

  /** What fills a fresh directory before it is published under its name. */
  @FunctionalInterface
  private interface Filling {
    void fill(Path temp) throws IOException;
  }

  private Path publish(Path dir, Filling filling) throws IOException {
    if (Files.isDirectory(dir)) {
      return dir;
    }
    Files.createDirectories(root);
    Path temp = Files.createTempDirectory(root, ".unpack-");
    try {
      // A layer without a "./" entry leaves the root as created: make that the usual 0755, not
      // the temp directory's 0700, or a non-root RUN could not enter "/".
      Files.setAttribute(temp, "unix:mode", 0755);
      filling.fill(temp);
      try {
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileSystemException e) {
        // rename(2) onto a directory another process published first fails with ENOTEMPTY,
        // which Java reports as a plain FileSystemException; that copy is identical.
        if (!Files.isDirectory(dir)) {
          throw e;
        }
      }
      return dir;
    } finally {
      if (Files.exists(temp)) {
        BuildRun.deleteTree(temp);
      }
    }
  }
}
