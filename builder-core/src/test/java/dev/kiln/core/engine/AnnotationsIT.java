package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.ImageAnnotation;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildx's annotation types on outputs and {@code --annotation}, read back with {@code skopeo
 * inspect --raw} from a real registry and from OCI layouts: each lands on the document it names,
 * for one platform or all, and one that has no place is refused before anything is built.
 */
class AnnotationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TWO = "linux/amd64,linux/arm64";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;
  static Path context;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    context =
        kiln.context().file("a.txt", "alpha\n").dockerfile("FROM scratch\nCOPY a.txt /\n").root();
  }

  @Test
  void aMultiPlatformPushCarriesEachTypeWhereItBelongs() throws Exception {
    kiln.build(
        context,
        b -> {
          b.platform(TWO).tag(registry.reference("ann/multi:1"));
          ImageAnnotation.parseFlag("index,manifest:org.opencontainers.image.title=kiln")
              .forEach(b::annotation);
          ImageAnnotation.parseFlag("manifest-descriptor[linux/arm64]:arch.note=arm")
              .forEach(b::annotation);
          b.output(
              OutputSpecParser.parse(
                  "type=registry,annotation.every=1,annotation-index.idx=yes,"
                      + "annotation-manifest[linux/amd64].only=amd,"
                      + "annotation-manifest-descriptor.desc=all"));
        });
    ImageInspector inspector = ImageInspector.of(registry);
    JsonNode index = JSON.readTree(inspector.rawManifest("ann/multi:1"));
    assertEquals("yes", index.path("annotations").path("idx").asText(), index.toString());
    assertEquals("kiln", index.path("annotations").path("org.opencontainers.image.title").asText());
    assertTrue(index.path("annotations").path("every").isMissingNode(), index.toString());
    for (JsonNode entry : index.path("manifests")) {
      String arch = entry.path("platform").path("architecture").asText();
      JsonNode annotations = entry.path("annotations");
      assertEquals("all", annotations.path("desc").asText(), entry.toString());
      assertEquals(arch.equals("arm64"), annotations.has("arch.note"), entry.toString());
      JsonNode manifest =
          JSON.readTree(inspector.rawManifest("ann/multi@" + entry.path("digest").asText()));
      JsonNode own = manifest.path("annotations");
      assertEquals("1", own.path("every").asText(), manifest.toString());
      assertEquals("kiln", own.path("org.opencontainers.image.title").asText());
      assertEquals(arch.equals("amd64"), own.has("only"), arch + ": " + manifest);
      assertFalse(own.has("idx"), manifest.toString());
    }
  }

  @Test
  void anOciLayoutPutsDescriptorAnnotationsInItsIndexJson() throws Exception {
    Path single = kiln.newDir("layout").resolve("oci");
    kiln.build(
        context,
        b ->
            b.tag("app:1")
                .output(
                    OutputSpecParser.parse(
                        "type=oci,tar=false,dest="
                            + single
                            + ",annotation-manifest-descriptor.d=one,annotation.m=two")));
    JsonNode entry = JSON.readTree(single.resolve("index.json").toFile()).path("manifests").get(0);
    assertEquals("one", entry.path("annotations").path("d").asText(), entry.toString());
    assertEquals("1", entry.path("annotations").path("org.opencontainers.image.ref.name").asText());
    assertEquals(
        "two",
        JSON.readTree(ImageInspector.manifestOfLayout(single, "1"))
            .path("annotations")
            .path("m")
            .asText());

    Path multi = kiln.newDir("layout").resolve("oci");
    kiln.build(
        context,
        b ->
            b.platform(TWO)
                .tag("app:1")
                .output(
                    OutputSpecParser.parse(
                        "type=oci,tar=false,dest="
                            + multi
                            + ",annotation-index-descriptor.top=here,annotation-index.i=x")));
    JsonNode top = JSON.readTree(multi.resolve("index.json").toFile()).path("manifests").get(0);
    assertEquals("here", top.path("annotations").path("top").asText(), top.toString());
    String digest = top.path("digest").asText();
    JsonNode index =
        JSON.readTree(
            Files.readString(
                multi.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()))));
    assertEquals("x", index.path("annotations").path("i").asText(), index.toString());
    assertFalse(index.path("annotations").has("top"), index.toString());
  }

  @Test
  void anAnnotationWithNoPlaceIsRefusedBeforeTheBuild() {
    BuildFailure index =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    context,
                    b ->
                        b.tag(registry.reference("ann/single:1"))
                            .output(OutputSpecParser.parse("type=registry,annotation-index.k=v"))));
    assertTrue(index.getMessage().contains("has no place in a push"), index.getMessage());
    assertTrue(index.getMessage().contains("no index"), index.getMessage());

    BuildFailure flag =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    context,
                    b -> {
                      b.tag(registry.reference("ann/single:1"))
                          .output(OutputSpecParser.parse("type=registry"));
                      ImageAnnotation.parseFlag("index-descriptor:k=v").forEach(b::annotation);
                    }));
    assertTrue(flag.getMessage().contains("has no place in any output"), flag.getMessage());

    BuildFailure platform =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    context,
                    b ->
                        b.platform(TWO)
                            .output(
                                OutputSpecParser.parse(
                                    "type=oci,dest="
                                        + kiln.newDir("x").resolve("a.tar")
                                        + ",annotation-manifest[linux/s390x].k=v"))));
    assertTrue(
        platform.getMessage().contains("names a platform this build does not make"),
        platform.getMessage());
    assertTrue(kiln.events().isEmpty(), "nothing ran: " + kiln.events());
  }
}
