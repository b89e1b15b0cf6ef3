package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.api.request.PullPolicy;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.zstandard.ZstdCompressorInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code -o} options that change what an image output holds, each read back by skopeo from a
 * real registry or from an OCI layout: {@code force-compression}, {@code compression-level}.
 */
class OutputOptionsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;
  static Path context;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    context =
        kiln.context()
            .file("a.txt", "alpha\n")
            .dockerfile("FROM busybox:kiln\nCOPY a.txt /a.txt\n")
            .root();
  }

  @Test
  void forceCompressionRecompressesBaseLayersOnceAndKeepsTheirDiffIds() throws Exception {
    push("force/plain:1", "type=registry,compression=zstd");
    List<String> plain = layerMediaTypes("force/plain:1");
    assertEquals(
        List.of("application/vnd.oci.image.layer.v1.tar+gzip", Z), plain, "base stays gzip");

    push("force/zstd:1", "type=registry,compression=zstd,force-compression=true");
    assertEquals(List.of(Z, Z), layerMediaTypes("force/zstd:1"));
    assertTrue(recompressionNoted(), kiln.events().toString());
    Layout copied = skopeoCopy("force/zstd:1");
    copied.assertBlobsMatchTheirDigestsAndDiffIds();

    // A rebuild takes the recorded zstd blob of the base layer: nothing is recompressed again.
    push("force/zstd:2", "type=registry,compression=zstd,force-compression=true");
    assertFalse(recompressionNoted(), kiln.events().toString());
    assertEquals(
        JSON.readTree(ImageInspector.of(registry).rawManifest("force/zstd:1")),
        JSON.readTree(ImageInspector.of(registry).rawManifest("force/zstd:2")));
  }

  @Test
  void forceCompressionToGzipAtALevelAndUncompressedInALayout() throws Exception {
    Path dir = kiln.newDir("layout").resolve("oci");
    kiln.build(
        context,
        b ->
            b.tag("app:1")
                .output(
                    OutputSpecParser.parse(
                        "type=oci,tar=false,dest="
                            + dir
                            + ",compression=uncompressed,force-compression=true")));
    Layout layout = new Layout(dir, "1");
    assertEquals(
        List.of("application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar"),
        layout.mediaTypes());
    layout.assertBlobsMatchTheirDigestsAndDiffIds();

    Path nine = kiln.newDir("layout").resolve("oci");
    kiln.build(
        context,
        b ->
            b.tag("app:1")
                .output(
                    OutputSpecParser.parse(
                        "type=oci,tar=false,dest="
                            + nine
                            + ",compression=gzip,compression-level=9,force-compression=true")));
    Layout gzip9 = new Layout(nine, "1");
    gzip9.assertBlobsMatchTheirDigestsAndDiffIds();
    // The base layer was gzip already, at an unknown level: level 9 was asked for, so it is new.
    Path six = kiln.newDir("layout").resolve("oci");
    kiln.build(
        context,
        b -> b.tag("app:1").output(OutputSpecParser.parse("type=oci,tar=false,dest=" + six)));
    Layout gzip6 = new Layout(six, "1");
    assertFalse(
        gzip9.layerDigests().get(0).equals(gzip6.layerDigests().get(0)),
        "the base layer was recompressed at level 9");
  }

  @Test
  void aSecondOutputGetsTheBuildsLayersInItsOwnCompression() throws Exception {
    Path ctx =
        kiln.context()
            .file("a.txt", "alpha\n")
            .file("b.txt", "bravo\n")
            .dockerfile("FROM scratch\nCOPY a.txt /\nCOPY b.txt /\n")
            .root();
    Path gzip = kiln.newDir("layout").resolve("oci");
    Path zstd = kiln.newDir("layout").resolve("oci");
    kiln.build(
        ctx,
        b ->
            b.tag("two:1")
                .output(OutputSpecParser.parse("type=oci,tar=false,dest=" + gzip))
                .output(
                    OutputSpecParser.parse("type=oci,tar=false,compression=zstd,dest=" + zstd)));
    Layout first = new Layout(gzip, "1");
    Layout second = new Layout(zstd, "1");
    assertEquals(
        List.of(
            "application/vnd.oci.image.layer.v1.tar+gzip",
            "application/vnd.oci.image.layer.v1.tar+gzip"),
        first.mediaTypes());
    assertEquals(List.of(Z, Z), second.mediaTypes());
    first.assertBlobsMatchTheirDigestsAndDiffIds();
    second.assertBlobsMatchTheirDigestsAndDiffIds();
    assertEquals(first.diffIds(), second.diffIds());
  }

  @Test
  void compressionLevelIsHonouredWhenABlobOfTheSameTarExists() throws Exception {
    Path ctx =
        kiln.context()
            .file("big.txt", "level test ".repeat(20_000))
            .dockerfile("FROM busybox:kiln\nCOPY big.txt /big.txt\n")
            .root();
    Path one = kiln.newDir("layout").resolve("oci");
    kiln.build(
        ctx,
        b ->
            b.tag("lvl:1")
                .output(
                    OutputSpecParser.parse(
                        "type=oci,tar=false,dest="
                            + one
                            + ",compression=gzip,compression-level=1")));
    Path nine = kiln.newDir("layout").resolve("oci");
    kiln.build(
        ctx,
        b ->
            b.tag("lvl:1")
                .noCache(true)
                .output(
                    OutputSpecParser.parse(
                        "type=oci,tar=false,dest="
                            + nine
                            + ",compression=gzip,compression-level=9")));
    Layout fast = new Layout(one, "1");
    Layout best = new Layout(nine, "1");
    fast.assertBlobsMatchTheirDigestsAndDiffIds();
    best.assertBlobsMatchTheirDigestsAndDiffIds();
    assertEquals(fast.diffIds(), best.diffIds());
    assertFalse(
        fast.layerDigests().get(1).equals(best.layerDigests().get(1)),
        "level 9 gave a new blob, not the level-1 one recorded for the same tar");
  }

  @Test
  void storeTrueOnAPushAlsoNamesTheImageInTheLocalStore() throws Exception {
    String kept = registry.reference("store/kept:1");
    String pushedOnly = registry.reference("store/pushed:1");
    kiln.build(
        context,
        b -> b.output(OutputSpecParser.parse("type=image,push=true,store=true,name=" + kept)));
    kiln.build(
        context,
        b -> b.output(OutputSpecParser.parse("type=registry,store=false,name=" + pushedOnly)));
    kiln.build(
        context,
        b ->
            b.tag(registry.reference("store/default:1"))
                .output(OutputSpecParser.parse("type=registry")));
    ContentStore store = ContentStore.open(kiln.cacheDir());
    String keptDigest = ImageInspector.of(registry).inspect("store/kept:1").path("Digest").asText();
    assertEquals(
        keptDigest, store.index().find(StoreNames.of(kept)).orElseThrow().digest().toString());
    assertTrue(store.index().find(StoreNames.of(pushedOnly)).isEmpty());
    assertTrue(
        store.index().find(StoreNames.of(registry.reference("store/default:1"))).isEmpty(),
        "a push keeps no name in the store unless store=true");
    assertFalse(
        ImageInspector.of(registry).inspect("store/pushed:1").path("Digest").isMissingNode());
    // A later build FROM the stored name, told not to pull, finds it in the store.
    kiln.build(
        kiln.context().dockerfile("FROM " + kept + "\nRUN test -f /a.txt\n").root(),
        b -> b.output(OutputSpecParser.parse("type=image")).pull(PullPolicy.NEVER));
  }

  @Test
  void rewriteTimestampClampsNewerTimesInTheLayersTheBuildWrites() throws Exception {
    long epoch = 1_700_000_000L;
    Path ctx =
        kiln.context()
            .file("new.txt", "new\n")
            .file("old.txt", "old\n")
            .dockerfile("FROM busybox:kiln\nCOPY new.txt old.txt /files/\nRUN touch /run.txt\n")
            .root();
    Files.setLastModifiedTime(
        ctx.resolve("old.txt"), FileTime.from(epoch - 1000, TimeUnit.SECONDS));
    Files.setLastModifiedTime(
        ctx.resolve("new.txt"), FileTime.from(Instant.now().plusSeconds(3600)));
    Path dir = kiln.newDir("layout").resolve("oci");
    kiln.build(
        ctx,
        b ->
            b.tag("ts:1")
                .sourceDateEpoch(epoch)
                .output(
                    OutputSpecParser.parse(
                        "type=oci,tar=false,rewrite-timestamp=true,dest=" + dir)));
    Layout layout = new Layout(dir, "1");
    List<String> layers = layout.layerDigests();
    Path base = kiln.newDir("layout").resolve("oci");
    kiln.build(
        kiln.context().dockerfile("FROM busybox:kiln\n").root(),
        b -> b.tag("base:1").output(OutputSpecParser.parse("type=oci,tar=false,dest=" + base)));
    assertEquals(
        new Layout(base, "1").layerDigests().get(0), layers.get(0), "the base layer is as it was");
    Map<String, Long> times = new HashMap<>();
    for (String digest : layers.subList(1, layers.size())) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(layout.blob(digest)));
          TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
        for (TarArchiveEntry e; (e = tar.getNextTarEntry()) != null; ) {
          long seconds = e.getLastModifiedDate().toInstant().getEpochSecond();
          assertTrue(seconds <= epoch, e.getName() + " is newer than the epoch: " + seconds);
          times.put(e.getName(), seconds);
        }
      }
    }
    assertEquals(epoch, times.get("files/new.txt"), times.toString());
    assertEquals(epoch - 1000, times.get("files/old.txt"), "older times are kept");
    assertEquals(epoch, times.get("run.txt"), times.toString());
  }

  @Test
  void rewriteTimestampWithoutAnEpochIsAWarning() throws Exception {
    kiln.build(
        context,
        b ->
            b.output(
                OutputSpecParser.parse(
                    "type=oci,rewrite-timestamp=true,dest=" + kiln.newDir("ts").resolve("a.tar"))));
    assertTrue(
        kiln.events().stream()
            .anyMatch(
                e ->
                    e instanceof BuildEvent.Warning w
                        && w.message().startsWith("rewrite-timestamp=true has no effect")),
        kiln.events().toString());
  }

  private static final String Z = "application/vnd.oci.image.layer.v1.tar+zstd";

  private static void push(String repositoryAndTag, String output) throws Exception {
    kiln.build(
        context,
        b -> b.tag(registry.reference(repositoryAndTag)).output(OutputSpecParser.parse(output)));
  }

  private static boolean recompressionNoted() {
    return kiln.events().stream()
        .anyMatch(
            e -> e instanceof BuildEvent.Note n && n.message().startsWith("force-compression:"));
  }

  private static List<String> layerMediaTypes(String repositoryAndTag) throws Exception {
    JsonNode manifest = JSON.readTree(ImageInspector.of(registry).rawManifest(repositoryAndTag));
    List<String> types = new ArrayList<>();
    manifest.path("layers").forEach(l -> types.add(l.path("mediaType").asText()));
    return types;
  }

  /** skopeo's copy of a pushed image into an OCI layout (skopeo checks each blob's digest). */
  private static Layout skopeoCopy(String repositoryAndTag) {
    Path dir = kiln.newDir("skopeo").resolve("layout");
    ProcessRunner.run(
            List.of(
                "skopeo",
                "copy",
                "--src-tls-verify=false",
                "docker://" + registry.reference(repositoryAndTag),
                "oci:" + dir + ":image"))
        .requireSuccess();
    return new Layout(dir, "image");
  }

  /** An OCI layout's image of one tag, read without kiln. */
  record Layout(Path dir, String tag) {
    JsonNode manifest() throws Exception {
      return JSON.readTree(ImageInspector.manifestOfLayout(dir, tag));
    }

    Path blob(String digest) {
      return dir.resolve("blobs").resolve("sha256").resolve(digest.substring("sha256:".length()));
    }

    List<String> mediaTypes() throws Exception {
      List<String> types = new ArrayList<>();
      manifest().path("layers").forEach(l -> types.add(l.path("mediaType").asText()));
      return types;
    }

    List<String> layerDigests() throws Exception {
      List<String> digests = new ArrayList<>();
      manifest().path("layers").forEach(l -> digests.add(l.path("digest").asText()));
      return digests;
    }

    List<String> diffIds() throws Exception {
      JsonNode config =
          JSON.readTree(blob(manifest().path("config").path("digest").asText()).toFile());
      List<String> ids = new ArrayList<>();
      config.path("rootfs").path("diff_ids").forEach(d -> ids.add(d.asText()));
      return ids;
    }

    /** Each layer hashes to its digest, and uncompressed (by its media type) to its diffID. */
    void assertBlobsMatchTheirDigestsAndDiffIds() throws Exception {
      JsonNode layers = manifest().path("layers");
      List<String> diffIds = diffIds();
      assertEquals(diffIds.size(), layers.size());
      for (int i = 0; i < layers.size(); i++) {
        JsonNode layer = layers.get(i);
        Path file = blob(layer.path("digest").asText());
        assertEquals(layer.path("size").asLong(), Files.size(file));
        try (InputStream in = Files.newInputStream(file)) {
          assertEquals(layer.path("digest").asText(), sha256(in));
        }
        String type = layer.path("mediaType").asText();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
            InputStream tar =
                type.endsWith("+zstd")
                    ? new ZstdCompressorInputStream(raw)
                    : type.endsWith("+gzip") ? new GZIPInputStream(raw) : raw) {
          assertEquals(diffIds.get(i), sha256(tar), "diffID of layer " + i);
        }
      }
    }
  }

  static String sha256(InputStream in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    byte[] buffer = new byte[65536];
    for (int n; (n = in.read(buffer)) > 0; ) {
      md.update(buffer, 0, n);
    }
    return "sha256:" + HexFormat.of().formatHex(md.digest());
  }
}
