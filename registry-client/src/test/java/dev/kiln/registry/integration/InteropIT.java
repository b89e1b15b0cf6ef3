package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.tools.jib.api.DescriptorDigest;
import com.google.cloud.tools.jib.event.EventHandlers;
import com.google.cloud.tools.jib.http.FailoverHttpClient;
import com.google.cloud.tools.jib.image.json.BuildableManifestTemplate;
import com.google.cloud.tools.jib.registry.ManifestAndDigest;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.IndexToPush;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.client.RemoteManifest;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UmociLayouts;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kiln against independent clients: what kiln pushes, skopeo and umoci read unchanged; what skopeo
 * pushes, kiln pulls with the same digests; and jib-core, as a second oracle, agrees on every
 * digest of the same image.
 */
class InteropIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  @TempDir Path work;
  private final ItImages.Recorder recorder = new ItImages.Recorder();

  private RegistryClient client() {
    return RegistryClient.create(ItImages.options(registry, recorder).build());
  }

  private ImageReference ref(String repoAndTag) {
    return ImageReference.parse(registry.reference(repoAndTag));
  }

  @Test
  void whatKilnPushesSkopeoAndUmociReadByteForByte() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "interop");
    try (RegistryClient client = client()) {
      client.pushImage(ref("interop/kiln:1"), image.push(), List.of());
    }
    ImageInspector skopeo = ImageInspector.of(registry);
    assertEquals(image.manifest().raw().asString(), skopeo.rawManifest("interop/kiln:1"));
    assertEquals(image.config().raw().asString(), skopeo.rawConfig("interop/kiln:1"));
    JsonNode inspected = skopeo.inspect("interop/kiln:1");
    assertEquals(image.manifest().digest().toString(), inspected.path("Digest").asText());

    UnpackedImage unpacked = skopeo.unpack("interop/kiln:1", work.resolve("unpacked"));
    assertTrue(Files.isRegularFile(unpacked.rootfs().resolve("bin/busybox")));
    assertEquals(image.manifest().raw().asString(), unpacked.manifest());
  }

  @Test
  void dockerMediaTypesAndIndexesAreReadBySkopeo() throws IOException {
    ItImages.Layer layer =
        ItImages.gzipLayer(
            dev.kiln.testdata.baseimage.BusyboxRootfs.tar(), work.resolve("layer.tar.gz"));
    ItImages.Built docker = ItImages.image(List.of(layer), MediaType.DOCKER_MANIFEST, "docker");
    ItImages.Built oci = ItImages.image(List.of(layer), MediaType.OCI_MANIFEST, "oci-arm64");
    ImageIndex index =
        ImageIndex.of(
            MediaType.OCI_INDEX,
            List.of(
                docker.manifest().descriptor().withPlatform(Platform.parse("linux/amd64")),
                oci.manifest().descriptor().withPlatform(Platform.parse("linux/arm64"))));
    try (RegistryClient client = client()) {
      client.pushIndex(
          ref("interop/multi:1"),
          new IndexToPush(index, List.of(docker.push(), oci.push())),
          List.of());
    }
    ImageInspector skopeo = ImageInspector.of(registry);
    assertEquals(index.raw().asString(), skopeo.rawManifest("interop/multi:1"));
    assertEquals(
        docker.manifest().raw().asString(),
        skopeo.rawManifest("interop/multi@" + docker.manifest().digest()));
    // skopeo picks the amd64 entry of the index for this host.
    assertEquals(docker.config().raw().asString(), skopeo.rawConfig("interop/multi:1"));
  }

  @Test
  void whatSkopeoPushesKilnPullsWithTheSameDigestsAsJib() throws Exception {
    Path layout = UmociLayouts.busybox(work.resolve("layout"), "v1");
    ImageInspector skopeo = ImageInspector.of(registry);
    skopeo.push(layout, "v1", "interop/skopeo:v1");
    String rawManifest = skopeo.rawManifest("interop/skopeo:v1");
    String rawConfig = skopeo.rawConfig("interop/skopeo:v1");
    Digest skopeoDigest = Digest.parse(skopeo.inspect("interop/skopeo:v1").path("Digest").asText());

    RemoteImage kiln;
    try (RegistryClient client = client()) {
      kiln = client.resolveImage(ref("interop/skopeo:v1"), Platform.linuxAmd64());
      assertEquals(skopeoDigest, kiln.digest());
      assertEquals(rawManifest, kiln.manifest().raw().asString());
      ImageConfig config = kiln.config();
      assertEquals(rawConfig, config.raw().asString());
      assertEquals(List.of("/bin/sh"), config.config().cmd());
      for (Descriptor layer : kiln.layers()) {
        try (InputStream in = kiln.openBlob(layer)) {
          in.transferTo(OutputStream.nullOutputStream());
        }
      }
      // Repushing the pulled image elsewhere in the registry keeps every digest (mounts only).
      var repushed =
          client.pushImage(
              ref("interop/copied:v1"),
              new ImageToPush(
                  kiln.manifest(),
                  java.util.stream.Stream.concat(
                          java.util.stream.Stream.of(kiln.manifest().config()),
                          kiln.layers().stream())
                      .map(kiln::blobToPush)
                      .toList()),
              List.of());
      assertEquals(skopeoDigest, repushed.digest());
      assertEquals(0, repushed.uploadedBlobs());
      RemoteManifest copied = client.fetchManifest(ref("interop/copied:v1"));
      assertEquals(rawManifest, copied.manifest().raw().asString());
    }

    // jib-core as a second, independent reader of the same image.
    FailoverHttpClient http = new FailoverHttpClient(true, false, log -> {});
    com.google.cloud.tools.jib.registry.RegistryClient jib =
        com.google.cloud.tools.jib.registry.RegistryClient.factory(
                EventHandlers.NONE, registry.hostPort(), "interop/skopeo", http)
            .newRegistryClient();
    ManifestAndDigest<?> jibManifest = jib.pullManifest("v1");
    assertEquals(kiln.digest().toString(), jibManifest.getDigest().toString());
    BuildableManifestTemplate template = (BuildableManifestTemplate) jibManifest.getManifest();
    assertEquals(
        kiln.manifest().config().digest().toString(),
        template.getContainerConfiguration().getDigest().toString());
    List<String> jibLayers =
        template.getLayers().stream().map(l -> l.getDigest().toString()).toList();
    assertEquals(kiln.layers().stream().map(d -> d.digest().toString()).toList(), jibLayers);
    for (Descriptor layer : kiln.layers()) {
      MessageDigest sha = Digest.newSha256();
      jib.pullBlob(DescriptorDigest.fromDigest(layer.digest().toString()), size -> {}, n -> {})
          .writeTo(new DigestOutputStream(OutputStream.nullOutputStream(), sha));
      assertEquals(layer.digest(), Digest.ofSha256(sha.digest()));
    }
    http.shutDown();
  }

  @Test
  void aConfigKilnChangesKeepsEveryFieldItDoesNotTouch() throws IOException {
    Path layout = UmociLayouts.busybox(work.resolve("layout"), "v1");
    ImageInspector skopeo = ImageInspector.of(registry);
    skopeo.push(layout, "v1", "interop/base:v1");
    try (RegistryClient client = client()) {
      RemoteImage base = client.resolveImage(ref("interop/base:v1"), Platform.linuxAmd64());
      ImageConfig changed =
          base.config().toBuilder()
              .config(base.config().configOrEmpty().toBuilder().user("nobody").build())
              .build();
      JsonNode before =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(base.config().raw().toByteArray());
      JsonNode after =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(changed.raw().toByteArray());
      ((com.fasterxml.jackson.databind.node.ObjectNode) before.get("config")).put("User", "nobody");
      assertEquals(before, after);
      assertArrayEquals(
          changed.raw().toByteArray(),
          ImageConfig.parse(changed.raw().toByteArray()).toBuilder().build().raw().toByteArray(),
          "re-serialising a kiln config is stable");
      assertTrue(
          new String(changed.raw().toByteArray(), StandardCharsets.UTF_8).contains("nobody"));
    }
  }
}
