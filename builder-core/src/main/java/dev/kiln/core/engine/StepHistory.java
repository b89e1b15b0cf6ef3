package dev.kiln.core.engine;

import dev.kiln.core.fs.LayerIndex;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerTree;
import dev.kiln.core.layer.LayerWriter;
import dev.kiln.core.layer.WrittenLayer;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import java.io.IOException;

/** What every step leaves behind: a history entry, and for some a layer on the stage. */
final class StepHistory {
  private StepHistory() {}

  /** A history entry as BuildKit writes it, dated with the build's time. */
  static History entry(WriteSettings write, String createdBy, boolean withLayer) {
    return new History(
        write.created(),
        createdBy,
        null,
        "buildkit.dockerfile.v0",
        withLayer ? null : Boolean.TRUE,
        null);
  }

  /** {@code state} with {@code tree} written as a new layer and {@code config} after it. */
  static StageState addLayer(
      BuildStorage storage,
      WriteSettings write,
      StageState state,
      ImageConfig config,
      LayerTree tree,
      String createdBy)
      throws IOException {
    WrittenLayer written = new LayerWriter(storage.store(), write.layerOptions()).write(tree);
    return addWritten(storage, write, state, config, written, createdBy);
  }

  /** {@code state} with a layer already written on top. */
  static StageState addWritten(
      BuildStorage storage,
      WriteSettings write,
      StageState state,
      ImageConfig config,
      WrittenLayer written,
      String createdBy)
      throws IOException {
    if (written.contents() != null) {
      // The next step that needs a path of this stage finds the layer indexed, without reading it.
      storage.views().indexes().put(written.diffId(), LayerIndex.of(written.contents()));
    }
    Descriptor blob = Descriptor.of(written.mediaType(), written.digest(), written.size());
    LayerRef layer = new LayerRef(blob, written.diffId(), written.uncompressedSize());
    ImageConfig next =
        config.toBuilder().addLayer(written.diffId(), entry(write, createdBy, true)).build();
    return state.withLayer(next, layer);
  }
}
