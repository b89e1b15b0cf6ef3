package dev.kiln.core.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.engine.RegistryAccess;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.image.OciLayoutImages;
import dev.kiln.core.image.ResolvedImage;
import dev.kiln.core.output.DockerArchiveWriter;
import dev.kiln.core.output.OciArchiveWriter;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.model.Platform;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UmociLayouts;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Pushing layouts and archives that other tools and kiln wrote, checked with skopeo and umoci. */
class LayoutPusherIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  @TempDir Path temp;
  private RegistryAccess access;
  private LayoutPusher pusher;
  private Path layout;
  private ResolvedImage image;

  @BeforeEach
  void setUp() throws Exception {
    access =
        new RegistryAccess(
            Set.of(), Set.of(), CredentialSource.NONE, Map.of(), Map.of("HOME", temp.toString()));
    pusher = new LayoutPusher(access.client());
    layout = UmociLayouts.busybox(temp.resolve("layout"), "1.0");
    image = OciLayoutImages.resolve(layout, ":1.0", Platform.linuxAmd64());
  }

  @AfterEach
  void tearDown() throws Exception {
    access.close();
  }

  @Test
  void pushesALayoutDirectoryUmociWrote() throws Exception {
    PushedImage pushed =
        pusher.push(
            layout,
            "",
            Platform.linuxAmd64(),
            List.of(registry.reference("from-layout:1"), registry.reference("from-layout:latest")));

    assertEquals(image.digest(), pushed.digest());
    assertEquals(
        List.of(
            registry.reference("from-layout:1") + "@" + image.digest(),
            registry.reference("from-layout:latest") + "@" + image.digest()),
        pushed.pushed());
    ImageInspector inspector = ImageInspector.of(registry);
    assertEquals(image.manifest().raw().asString(), inspector.rawManifest("from-layout:latest"));
    UnpackedImage unpacked = inspector.unpack("from-layout:1", temp.resolve("check"));
    assertTrue(Files.isRegularFile(unpacked.rootfs().resolve("bin/busybox")));
  }

  @Test
  void pushesAnOciArchiveAndADockerArchiveKilnWrote() throws Exception {
    BuiltImage built = new BuiltImage(image.manifest(), image.config(), image.blobs());
    Path oci = temp.resolve("image-oci.tar");
    new OciArchiveWriter(oci, System.out).write(built, List.of("app:1", "app:2"));
    Path docker = temp.resolve("image-docker.tar");
    new DockerArchiveWriter(docker, System.out).write(built, List.of("app:1"));

    PushedImage fromOci =
        pusher.push(oci, "", Platform.linuxAmd64(), List.of(registry.reference("from-oci:1")));
    PushedImage fromDocker =
        pusher.push(
            docker, ":1", Platform.linuxAmd64(), List.of(registry.reference("from-docker:1")));

    assertEquals(image.digest(), fromOci.digest());
    assertEquals(image.digest(), fromDocker.digest());
    ImageInspector inspector = ImageInspector.of(registry);
    assertEquals(image.manifest().raw().asString(), inspector.rawManifest("from-oci:1"));
    assertEquals(image.manifest().raw().asString(), inspector.rawManifest("from-docker:1"));
    try (Stream<Path> left = Files.list(temp)) {
      assertFalse(
          left.anyMatch(p -> p.getFileName().toString().startsWith(".kiln-push-")),
          "the unpacked archive is removed after the push");
    }
  }

  @Test
  void pushesAGzippedTarOfALayoutWithDotSlashNames() throws Exception {
    Path tar = temp.resolve("layout.tar.gz");
    ProcessRunner.run(List.of("tar", "-C", layout.toString(), "-czf", tar.toString(), "."))
        .requireSuccess();

    PushedImage pushed =
        pusher.push(tar, ":1.0", Platform.linuxAmd64(), List.of(registry.reference("from-gz:1")));

    assertEquals(image.digest(), pushed.digest());
    assertEquals(
        image.manifest().raw().asString(), ImageInspector.of(registry).rawManifest("from-gz:1"));
  }

  @Test
  void aLayoutWithSeveralImagesNeedsASelectorAndNamesItsTags() throws Exception {
    Path two = UmociLayouts.busybox(temp.resolve("two"), "a");
    ProcessRunner.run(List.of("umoci", "new", "--image", two + ":b")).requireSuccess();

    ImageNotFoundException e =
        assertThrows(
            ImageNotFoundException.class,
            () ->
                pusher.push(two, "", Platform.linuxAmd64(), List.of(registry.reference("two:1"))));
    assertTrue(e.hint().contains("a") && e.hint().contains("b"), e.hint());
  }

  @Test
  void aMissingSourceOrANonImageTarSaysWhat() throws Exception {
    ImageNotFoundException missing =
        assertThrows(
            ImageNotFoundException.class,
            () ->
                pusher.push(
                    temp.resolve("nope.tar"),
                    "",
                    Platform.linuxAmd64(),
                    List.of(registry.reference("x:1"))));
    assertTrue(missing.getMessage().contains("nope.tar"), missing.getMessage());

    Path notImage = temp.resolve("files.tar");
    Files.writeString(temp.resolve("hello.txt"), "hi");
    ProcessRunner.run(
            List.of("tar", "-C", temp.toString(), "-cf", notImage.toString(), "hello.txt"))
        .requireSuccess();
    ImageNotFoundException noLayout =
        assertThrows(
            ImageNotFoundException.class,
            () ->
                pusher.push(
                    notImage, "", Platform.linuxAmd64(), List.of(registry.reference("x:1"))));
    assertTrue(noLayout.getMessage().contains("no OCI layout"), noLayout.getMessage());
  }
}
