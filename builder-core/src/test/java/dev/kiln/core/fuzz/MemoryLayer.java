package dev.kiln.core.fuzz;

import dev.kiln.core.fs.LayerBytes;
import dev.kiln.core.fs.LayerIndex;
import dev.kiln.core.fs.StackView;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerReader;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.MediaType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * A layer blob held in memory (compressed or not), as a {@link StackView} reads it: its index made
 * by {@link LayerIndex#of(LayerReader)}, its bytes read back through {@link LayerBytes}.
 */
record MemoryLayer(byte[] blob, LayerRef ref) implements StackView.LayerSource {
  static MemoryLayer of(byte[] blob) {
    Digest digest = Digest.sha256(blob);
    return new MemoryLayer(
        blob, new LayerRef(Descriptor.of(MediaType.OCI_LAYER, digest, blob.length), digest));
  }

  @Override
  public LayerIndex index() throws IOException {
    try (LayerReader reader = LayerReader.open(new ByteArrayInputStream(blob))) {
      return LayerIndex.of(reader);
    }
  }

  @Override
  public LayerBytes bytes() {
    return new LayerBytes(ref, d -> new ByteArrayInputStream(blob), Optional::empty);
  }

  @Override
  public Digest diffId() {
    return ref.diffId();
  }
}
