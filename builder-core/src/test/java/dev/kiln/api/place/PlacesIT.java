package dev.kiln.api.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.ImageValidator;
import dev.kiln.testdata.image.UmociLayouts;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The places against a real registry, with layouts and archives that umoci and skopeo wrote, and
 * every result read back by skopeo or umoci rather than by kiln.
 */
class PlacesIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;
  private RegistryClient client;
  private Places places;
  private Path layout;
  private ImageInspector inspector;

  @BeforeEach
  void setUp() {
    client = RegistryClient.create(RegistryClientOptions.defaults());
    places = new Places(temp.resolve("store"), () -> client, System.out);
    layout = UmociLayouts.busybox(temp.resolve("layout"), "1.0");
    inspector = ImageInspector.of(registry);
  }

  @AfterEach
  void tearDown() throws Exception {
    places.close();
    client.close();
  }

  private Place parse(String text) throws Exception {
    return PlaceSyntax.parse(text, temp);
  }

  private WrittenImage push(LocatedImage image, String... repositoryAndTags) throws Exception {
    List<String> names =
        java.util.Arrays.stream(repositoryAndTags).map(registry::reference).toList();
    return places.sink(parse("docker://" + names.get(0))).write(image, names);
  }

  @Test
  void pushesALayoutUmociWroteToSeveralNamesAndSkipsWhatIsThere() throws Exception {
    LocatedImage image = places.openLocal(parse("oci:layout:1.0"));
    Digest digest = image.manifest().digest();

    WrittenImage written = push(image, "a:1", "a:latest", "b:1");

    assertEquals(
        List.of(
            registry.reference("a:1") + "@" + digest,
            registry.reference("a:latest") + "@" + digest,
            registry.reference("b:1") + "@" + digest),
        written.references());
    assertEquals(2, written.pushes().size(), "one push per repository");
    assertEquals(image.manifest().raw().asString(), inspector.rawManifest("b:1"));
    UnpackedImage unpacked = inspector.unpack("a:latest", temp.resolve("check"));
    assertTrue(Files.isRegularFile(unpacked.rootfs().resolve("bin/busybox")));

    WrittenImage again = push(image, "a:1");
    assertTrue(again.pushes().get(0).alreadyPresent(), again.toString());
    WrittenImage retag = push(image, "a:2");
    assertEquals(0, retag.pushes().get(0).uploadedBlobs(), "the blobs are there: " + retag);
  }

  @Test
  void pushesOciAndDockerArchivesKilnWroteAndAnOldDockerSave() throws Exception {
    LocatedImage image = places.openLocal(parse("oci:layout:1.0"));
    places.sink(parse("oci-archive:oci.tar")).write(image, List.of("app:1", "app:2"));
    places.sink(parse("docker-archive:docker.tar")).write(image, List.of("app:1"));
    // skopeo writes the format of docker save before Docker 25: manifest.json, <id>/layer.tar.
    skopeo(
        "copy",
        "oci:" + layout + ":1.0",
        "docker-archive:" + temp.resolve("legacy.tar") + ":legacy/app:7");

    push(places.openLocal(parse("oci.tar")), "from-oci:1");
    push(places.openLocal(parse("docker.tar:1")), "from-docker:1");
    push(places.openLocal(parse("legacy.tar")), "from-legacy:7");

    assertEquals(image.manifest().raw().asString(), inspector.rawManifest("from-oci:1"));
    assertEquals(image.manifest().raw().asString(), inspector.rawManifest("from-docker:1"));
    JsonNode original =
        JSON.readTree(
            new String(
                image.reader().readBlob(image.imageManifest().config()), StandardCharsets.UTF_8));
    JsonNode legacy = JSON.readTree(inspector.rawConfig("from-legacy:7"));
    assertEquals(original.path("rootfs"), legacy.path("rootfs"), "the same layers (diff IDs)");
    assertTrue(
        Files.isRegularFile(
            inspector
                .unpack("from-legacy:7", temp.resolve("legacy"))
                .rootfs()
                .resolve("bin/busybox")));
  }

  @Test
  void pushesAGzippedTarOfALayoutWithDotSlashNames() throws Exception {
    Path tar = temp.resolve("layout.tar.gz");
    ProcessRunner.run(List.of("tar", "-C", layout.toString(), "-czf", tar.toString(), "."))
        .requireSuccess();

    LocatedImage image = places.openLocal(parse(tar + ":1.0"));
    push(image, "from-gz:1");

    assertEquals(image.manifest().raw().asString(), inspector.rawManifest("from-gz:1"));
  }

  @Test
  void pushesAWholeIndexWithEveryImageItLists() throws Exception {
    TestLayouts multi = new TestLayouts(temp.resolve("multi"));
    Platform arm64 = Platform.parse("linux/arm64");
    ImageManifest amd = multi.image(Platform.linuxAmd64(), "amd64");
    ImageManifest arm = multi.image(arm64, "arm64");
    ImageIndex index = multi.index(List.of(amd, arm), List.of(Platform.linuxAmd64(), arm64));
    multi.tag("both", MediaType.OCI_INDEX, index.raw());

    WrittenImage written = push(places.openLocal(parse("oci:multi:both")), "multi:1");

    assertEquals(index.digest(), written.digest());
    assertEquals(index.raw().asString(), inspector.rawManifest("multi:1"));
    assertEquals(arm.raw().asString(), inspector.rawManifest("multi@" + arm.digest()));
    String armConfig =
        ProcessRunner.run(
                List.of(
                    "skopeo",
                    "--override-arch",
                    "arm64",
                    "inspect",
                    "--tls-verify=false",
                    "--config",
                    "--raw",
                    "docker://" + registry.reference("multi:1")))
            .requireSuccess()
            .stdout();
    assertEquals("arm64", JSON.readTree(armConfig).path("architecture").asText());
  }

  @Test
  void aRegistryImageIsReadThroughTheStoreIntoEachFilePlace() throws Exception {
    LocatedImage built = places.openLocal(parse("oci:layout:1.0"));
    push(built, "source:1");

    LocatedImage remote =
        places
            .open(parse("docker://" + registry.reference("source:1")))
            .forPlatform(Platform.linuxAmd64());
    places.sink(parse("oci:pulled")).write(remote, List.of("source:1"));
    ImageValidator.assertValid(temp.resolve("pulled"));
    places.sink(parse("docker-archive:pulled.tar")).write(remote, List.of("source:1"));

    String layer = remote.imageManifest().layers().get(0).digest().hex();
    assertTrue(
        Files.isRegularFile(temp.resolve("store/blobs/sha256").resolve(layer)),
        "the layer went through kiln's store");
    assertTrue(
        Files.isRegularFile(
            ImageInspector.unpackLayout(temp.resolve("pulled"), "1", temp.resolve("u"))
                .rootfs()
                .resolve("bin/busybox")));
    assertEquals(
        inspector.rawConfig("source:1"),
        skopeo("inspect", "--config", "--raw", "docker-archive:" + temp.resolve("pulled.tar")));
  }

  @Test
  void aBuiltImageMountsTheLayersOfItsBaseFromTheBaseRepository() throws Exception {
    push(places.openLocal(parse("oci:layout:1.0")), "base:1");
    ImageReference base = ImageReference.parse(registry.reference("base:1"));
    BuiltImage built =
        places.open(Place.Registry.of(base)).forPlatform(Platform.linuxAmd64()).builtImage();
    Digest layer = built.manifest().layers().get(0).digest();

    WrittenImage written =
        push(LocatedImage.of(built, Map.of(layer, base.repositoryOnly()), "built"), "app:1");

    assertEquals(
        PushOutcome.MOUNTED, written.pushes().get(0).blobs().get(layer), written.toString());
    assertTrue(
        Files.notExists(temp.resolve("store/blobs/sha256").resolve(layer.hex())),
        "a mounted layer is never downloaded");
    assertEquals(built.manifest().raw().asString(), inspector.rawManifest("app:1"));
  }

  @Test
  void anImagePulledIntoTheStoreIsPushedBackByMountingItsLayers() throws Exception {
    push(places.openLocal(parse("oci:layout:1.0")), "origin/base:1");
    LocatedImage remote =
        places
            .open(parse("docker://" + registry.reference("origin/base:1")))
            .forPlatform(Platform.linuxAmd64());
    places.sink(parse("kiln.test/stored:1")).write(remote, List.of("kiln.test/stored:1"));
    Digest layer = remote.imageManifest().layers().get(0).digest();
    assertTrue(Files.isRegularFile(temp.resolve("store/blobs/sha256").resolve(layer.hex())));

    // kiln push of the stored image to another repository of the same registry: the layer is in
    // origin/base already, so the registry is asked to mount it rather than to receive it.
    WrittenImage written = push(places.openLocal(parse("kiln.test/stored:1")), "elsewhere/app:1");

    assertEquals(
        PushOutcome.MOUNTED, written.pushes().get(0).blobs().get(layer), written.toString());
    assertEquals(inspector.rawManifest("origin/base:1"), inspector.rawManifest("elsewhere/app:1"));
  }

  @Test
  void tagsInTheRegistryWithoutMovingABlob() throws Exception {
    push(places.openLocal(parse("oci:layout:1.0")), "tagged:1");

    TaggedImage tagged =
        places.tag(
            PlaceSyntax.parseReference("docker://" + registry.reference("tagged:1")), "stable");

    assertEquals(registry.reference("tagged:stable"), tagged.name());
    assertEquals("the registry", tagged.where());
    assertEquals(inspector.rawManifest("tagged:1"), inspector.rawManifest("tagged:stable"));
  }

  @Test
  void aLayoutWithSeveralImagesNeedsANameAndListsThem() throws Exception {
    Path two = UmociLayouts.busybox(temp.resolve("two"), "a");
    ProcessRunner.run(List.of("umoci", "new", "--image", two + ":b")).requireSuccess();

    ImageNotFoundException e =
        assertThrows(ImageNotFoundException.class, () -> places.openLocal(parse("oci:two")));
    assertTrue(e.hint().contains("a, b"), e.hint());
  }

  @Test
  void aTarThatHoldsNoImageSaysWhatItExpected() throws Exception {
    Files.writeString(temp.resolve("hello.txt"), "hi");
    Path notImage = temp.resolve("files.tar");
    ProcessRunner.run(
            List.of("tar", "-C", temp.toString(), "-cf", notImage.toString(), "hello.txt"))
        .requireSuccess();

    ImageNotFoundException e =
        assertThrows(ImageNotFoundException.class, () -> places.openLocal(parse("files.tar")));
    assertTrue(e.getMessage().contains("neither an OCI archive"), e.getMessage());
  }

  private static String skopeo(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("skopeo", "--insecure-policy"));
    command.addAll(List.of(args));
    return ProcessRunner.run(command).requireSuccess().stdout();
  }
}
