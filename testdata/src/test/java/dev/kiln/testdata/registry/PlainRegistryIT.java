package dev.kiln.testdata.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UmociLayouts;
import dev.kiln.testdata.image.UnpackedImage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class PlainRegistryIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  @Test
  void listensOnLoopbackAndAnswersV2WithoutCredentials() throws Exception {
    assertTrue(registry.hostPort().startsWith("127.0.0.1:"), registry.hostPort());
    var response =
        RegistryProbe.plain()
            .send("GET", URI.create(registry.baseUri() + "/v2/"), Optional.empty());
    assertEquals(200, response.statusCode());
    assertEquals(
        "registry/2.0",
        response.headers().firstValue("Docker-Distribution-API-Version").orElse(""));
  }

  @Test
  void skopeoPushesAndUmociUnpacksTheBusyboxBase(@TempDir Path temp) throws Exception {
    Path layout = UmociLayouts.busybox(temp.resolve("layout"), "latest");
    ImageInspector inspector = ImageInspector.of(registry);
    inspector.push(layout, "latest", "base/busybox:1");

    UnpackedImage image = inspector.unpack("base/busybox:1", temp.resolve("out"));
    Path rootfs = image.rootfs();
    assertTrue(Files.isRegularFile(rootfs.resolve("bin/busybox")));
    assertEquals(Path.of("busybox"), Files.readSymbolicLink(rootfs.resolve("bin/sh")));
    assertEquals(
        "rwxrwxrwx",
        PosixFilePermissions.toString(
            Files.getPosixFilePermissions(rootfs.resolve("tmp"), LinkOption.NOFOLLOW_LINKS)));
    assertEquals(
        1000,
        (int)
            Files.getAttribute(rootfs.resolve("home/kiln"), "unix:uid", LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.readString(rootfs.resolve("etc/passwd")).contains("kiln:x:1000:1000:"));
    assertEquals("/bin/sh", image.configJson().path("config").path("Cmd").path(0).asText());
    // skopeo's reported digest is the sha256 of the exact manifest bytes the registry serves.
    String raw = inspector.rawManifest("base/busybox:1");
    String digest =
        "sha256:"
            + java.util.HexFormat.of()
                .formatHex(
                    java.security.MessageDigest.getInstance("SHA-256")
                        .digest(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    assertEquals(digest, inspector.inspect("base/busybox:1").path("Digest").asText());
    assertTrue(registry.log().contains("base/busybox"), "the access log records the push");
  }
}
