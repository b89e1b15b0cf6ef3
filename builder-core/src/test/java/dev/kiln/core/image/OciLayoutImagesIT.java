package dev.kiln.core.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.core.output.LocalStoreOutput;
import dev.kiln.registry.model.Platform;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UmociLayouts;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutImagesIT {
  @TempDir Path temp;

  @Test
  void resolvesATagOrDigestOfALayoutUmociWrote() throws Exception {
    Path layout = UmociLayouts.busybox(temp.resolve("layout"), "1.0");
    ResolvedImage byTag = OciLayoutImages.resolve(layout, ":1.0", Platform.linuxAmd64());
    String umociManifest = ImageInspector.manifestOfLayout(layout, "1.0");
    assertEquals(umociManifest, byTag.manifest().raw().asString());
    assertEquals(List.of("/bin/sh"), byTag.config().configOrEmpty().cmd());

    ResolvedImage byDigest =
        OciLayoutImages.resolve(layout, "@" + byTag.digest(), Platform.linuxAmd64());
    assertEquals(byTag.digest(), byDigest.digest());

    try (InputStream layer = byTag.blobs().open(byTag.manifest().layers().get(0))) {
      assertEquals(
          byTag.manifest().layers().get(0).size(),
          layer.transferTo(java.io.OutputStream.nullOutputStream()));
    }
  }

  @Test
  void aMissingTagNamesTheTagsThatExist() throws Exception {
    Path layout = UmociLayouts.busybox(temp.resolve("layout"), "1.0");
    ImageNotFoundException e =
        assertThrows(
            ImageNotFoundException.class,
            () -> OciLayoutImages.resolve(layout, ":2.0", Platform.linuxAmd64()));
    assertTrue(e.getMessage().contains("2.0"), e.getMessage());
    assertTrue(e.hint().contains("1.0"), e.hint());
  }

  @Test
  void aDamagedBlobIsRejectedWhileReading() throws Exception {
    Path layout = UmociLayouts.busybox(temp.resolve("layout"), "1.0");
    ResolvedImage image = OciLayoutImages.resolve(layout, ":1.0", Platform.linuxAmd64());
    var layer = image.manifest().layers().get(0);
    Path blob = layout.resolve("blobs/sha256/" + layer.digest().hex());
    byte[] bytes = Files.readAllBytes(blob);
    bytes[bytes.length / 2] ^= 1;
    Files.write(blob, bytes);
    assertThrows(
        java.io.IOException.class,
        () -> {
          try (InputStream in = image.blobs().open(layer)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
        });
  }

  @Test
  void theLocalStoreIsALayoutThatFromCanRead() throws Exception {
    Path layout = UmociLayouts.busybox(temp.resolve("layout"), "1.0");
    ResolvedImage base = OciLayoutImages.resolve(layout, ":1.0", Platform.linuxAmd64());
    ContentStore store = ContentStore.open(temp.resolve("store"));
    new LocalStoreOutput(store)
        .write(
            new BuiltImage(base.manifest(), base.config(), base.blobs()),
            List.of("example.com/base:1.0"));

    ResolvedImage again =
        OciLayoutImages.resolve(
            store.paths().root(), ":example.com/base:1.0", Platform.linuxAmd64());
    assertEquals(base.digest(), again.digest());
    assertTrue(store.blobReader().contains(base.manifest().layers().get(0).digest()));
  }
}
