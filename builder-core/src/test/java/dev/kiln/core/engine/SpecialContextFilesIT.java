package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.testdata.files.SpecialFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build context holding a FIFO, a unix socket and a character device, copied by {@link Engine}.
 * Reading any of them for content or extended attributes would block (a FIFO without a writer
 * blocks its reader forever) or act on a device; kiln must never open them and must copy them as
 * BuildKit's context transfer does: the FIFO and the device as entries of their type, the socket as
 * an empty regular file. Each build must end in seconds; a regression fails on the timeout instead
 * of hanging the test run. Runs as root, as the integration tests do ({@code mknod}).
 */
class SpecialContextFilesIT {
  /** Far more than the second such a build takes, even on a busy machine. */
  private static final Duration IN_SECONDS = Duration.ofSeconds(60);

  @TempDir static Path work;
  static BuildHarness kiln;
  private final List<Path> fifos = new ArrayList<>();

  @BeforeAll
  static void harness() {
    kiln = new BuildHarness(work);
  }

  /**
   * A build stuck on a FIFO (the regression) is let go, so its thread does not outlive the test.
   */
  @AfterEach
  void releaseBlockedReaders() {
    fifos.forEach(SpecialFiles::releaseReaders);
  }

  @Test
  void fifosSocketsAndDevicesAreCopiedAsBuildKitCopiesThemWithoutBeingOpened() throws Exception {
    ContextDir ctx =
        kiln.context()
            .file("a.txt", "alpha\n")
            .dockerfile("FROM scratch\nCOPY . /x\nCOPY fifo /f\nCOPY sock /s\nCOPY null /n\n");
    fifos.add(SpecialFiles.fifo(ctx.root().resolve("fifo"), 0640));
    SpecialFiles.socket(ctx.root().resolve("sock"), 0750);
    SpecialFiles.charDevice(ctx.root().resolve("null"), 1, 3, 0666);

    BuildResult result = build(ctx.root());
    List<LayerTar> layers = layers(result);
    assertEquals(4, layers.size());

    LayerTar whole = layers.get(0);
    assertEquals(
        List.of("x", "x/Dockerfile", "x/a.txt", "x/fifo", "x/null", "x/sock"), whole.names());
    assertEquals("p x/fifo 0640 0:0", entry(whole, "x/fifo"));
    assertEquals("c x/null 0666 0:0 1:3", entry(whole, "x/null"));
    assertEquals("f x/sock 0750 0:0 size 0", entry(whole, "x/sock"));
    assertEquals("f x/a.txt 0644 0:0 size 6", entry(whole, "x/a.txt"));

    assertEquals("p f 0640 0:0", entry(layers.get(1), "f"));
    assertEquals("f s 0750 0:0 size 0", entry(layers.get(2), "s"));
    assertEquals("c n 0666 0:0 1:3", entry(layers.get(3), "n"));

    // The keys were taken the same way: the same context is all cache hits.
    BuildResult again = build(ctx.root());
    assertEquals(4, again.stepsCached(), again.toString());
    assertEquals(result.imageDigest(), again.imageDigest());
  }

  @Test
  void aFifoNamedAloneIsCopiedAsAFifo() throws Exception {
    ContextDir ctx = kiln.context().dockerfile("FROM scratch\nCOPY fifo /f\n");
    fifos.add(SpecialFiles.fifo(ctx.root().resolve("fifo"), 0600));
    List<LayerTar> layers = layers(build(ctx.root()));
    assertEquals(List.of("f"), layers.get(0).names());
    assertEquals("p f 0600 0:0", entry(layers.get(0), "f"));
  }

  private static BuildResult build(Path context) {
    return assertTimeoutPreemptively(
        IN_SECONDS,
        () -> kiln.build(context, b -> b.output(OutputSpecParser.parse("type=image"))),
        "the build opened a special file of its context");
  }

  private static List<LayerTar> layers(BuildResult result) throws Exception {
    ContentStore store = ContentStore.open(kiln.cacheDir());
    ImageManifest manifest =
        ImageManifest.parse(
            store.blobReader().readAllBytes(result.imageDigest().orElseThrow()),
            result.manifestMediaType().orElseThrow());
    List<LayerTar> layers = new ArrayList<>();
    for (Descriptor layer : manifest.layers()) {
      Path blob = store.paths().blob(layer.digest());
      layers.add(LayerTar.read(blob));
    }
    return layers;
  }

  /** An entry as "type name mode uid:gid", then the device numbers or the size where they apply. */
  private static String entry(LayerTar layer, String name) {
    LayerTar.Entry e = layer.entry(name).orElseThrow(() -> new AssertionError(layer.names()));
    String head =
        e.type() + " " + e.name() + String.format(" %04o %d:%d", e.mode(), e.uid(), e.gid());
    return switch (e.type()) {
      case 'c', 'b' -> head + " " + e.devMajor() + ":" + e.devMinor();
      case 'f' -> head + " size " + e.size();
      default -> head;
    };
  }
}
