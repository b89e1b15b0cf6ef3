package dev.kiln.core.layer;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Digest;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * Run by {@link LargeLayerIT} in a JVM with a small heap: writes a layer holding one generated
 * entry much larger than the heap into a content store, reads it back, and prints the layer's
 * digest and diffID. Running out of memory makes it fail.
 */
public final class LargeLayerMain {
  private LargeLayerMain() {}

  /** Arguments: store root, entry size in bytes. */
  public static void main(String[] args) throws Exception {
    ContentStore store = ContentStore.open(Path.of(args[0]));
    long size = Long.parseLong(args[1]);
    long seed = 11;
    List<LayerEntry> entries =
        List.of(
            LayerEntry.directory("data", 0755, 0, 0, 0),
            LayerEntry.regularFile(
                "data/big", 0644, 0, 0, 0, size, () -> new TextLikeContent(size, seed)),
            LayerEntry.regularFile("data/small", 0644, 0, 0, 0, new byte[] {1, 2, 3}));
    WrittenLayer layer = new LayerWriter(store, LayerOptions.defaults()).write(entries);

    Digest expected = sha256(new TextLikeContent(size, seed));
    try (LayerReader reader = LayerReader.open(store.blobReader().openVerified(layer.digest()))) {
      reader.next().orElseThrow();
      LayerEntry big = reader.next().orElseThrow();
      if (big.size() != size) {
        throw new AssertionError("size " + big.size());
      }
      Digest actual;
      try (InputStream in = big.content().open()) {
        actual = sha256(in);
      }
      if (!actual.equals(expected)) {
        throw new AssertionError("content differs after the round trip");
      }
      Optional<LayerEntry> small = reader.next();
      if (small.isEmpty() || reader.next().isPresent()) {
        throw new AssertionError("entries after the big one are wrong");
      }
    }
    System.out.println(layer.digest() + " " + layer.diffId() + " " + layer.uncompressedSize());
  }

  private static Digest sha256(InputStream in) throws Exception {
    MessageDigest md = Digest.newSha256();
    try (OutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
      in.transferTo(out);
    }
    return Digest.ofSha256(md.digest());
  }
}
