package dev.kiln.core.engine;

import static dev.kiln.core.engine.CopyAddIT.assertDir;
import static dev.kiln.core.engine.CopyAddIT.assertFile;
import static dev.kiln.core.engine.CopyAddIT.assertLink;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildMetadataFile;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.ImageValidator;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.Credentials;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output of a build, each read back by a tool other than kiln: a registry (plain, and a
 * token-authenticated one with credentials passed through the request), the local store (read back
 * by a later {@code FROM}), an OCI layout directory, an OCI archive, a docker archive, the final
 * stage's files as a directory and as a tar, and the {@code --iidfile} / {@code --metadata-file}
 * the CLI writes from the result.
 */
class OutputsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static LocalRegistry tokenRegistry = LocalRegistry.token();
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
            .file("tree/c.txt", "charlie\n", 0600)
            .symlink("tree/link", "c.txt")
            .dockerfile(
                """
                FROM busybox:kiln
                COPY --chown=1000:100 a.txt /out/a.txt
                COPY tree /out/tree
                LABEL output=test
                """)
            .root();
  }

  /** The files every output must carry. */
  private static void assertOurFiles(Path rootfs) {
    Map<String, FileFacts> tree = FileFacts.tree(rootfs);
    assertFile(tree, "out/a.txt", 0644, 1000, 100, "alpha\n");
    assertFile(tree, "out/tree/c.txt", 0600, 0, 0, "charlie\n");
    assertLink(tree, "out/tree/link", "c.txt");
    assertDir(tree, "out", 0755, 1000, 100);
    assertTrue(tree.containsKey("bin/busybox"));
  }

  @Test
  void registryPushWithTwoTagsAndTheMetadataFiles() throws Exception {
    BuildResult result =
        kiln.build(
            context,
            b ->
                b.tag(registry.reference("out/app:1"))
                    .tag(registry.reference("out/app:2"))
                    .output(OutputSpecParser.parse("type=registry")));
    ImageInspector inspector = ImageInspector.of(registry);
    String digest = result.imageDigest().orElseThrow().toString();
    assertEquals(digest, inspector.inspect("out/app:1").path("Digest").asText());
    assertEquals(digest, inspector.inspect("out/app:2").path("Digest").asText());
    UnpackedImage image = inspector.unpack("out/app:2", kiln.newDir("unpacked"));
    assertOurFiles(image.rootfs());
    assertEquals(2, result.pushed().size(), result.pushed().toString());
    assertTrue(result.pushed().get(0).endsWith("@" + digest), result.pushed().toString());

    Path iid = kiln.newDir("meta").resolve("iid");
    Path metadata = iid.resolveSibling("metadata.json");
    BuildMetadataFile.writeIid(iid, result);
    BuildMetadataFile.writeMetadata(metadata, result);
    assertEquals(digest, Files.readString(iid));
    JsonNode meta = JSON.readTree(metadata.toFile());
    assertEquals(digest, meta.path("containerimage.digest").asText());
    assertEquals(
        image.manifestJson().path("config").path("digest").asText(),
        meta.path("containerimage.config.digest").asText());
    assertEquals(
        image.manifestJson().path("mediaType").asText(),
        meta.path("containerimage.descriptor").path("mediaType").asText());
    assertEquals(
        registry.reference("out/app:1") + "," + registry.reference("out/app:2"),
        meta.path("image.name").asText());
  }

  @Test
  void dockerMediaTypesOnRequest() throws Exception {
    kiln.push(
        registry,
        context,
        "out/docker-types:1",
        b -> b.output(OutputSpecParser.parse("type=registry,oci-mediatypes=false")));
    JsonNode manifest =
        JSON.readTree(ImageInspector.of(registry).rawManifest("out/docker-types:1"));
    assertEquals(
        "application/vnd.docker.distribution.manifest.v2+json",
        manifest.path("mediaType").asText());
    assertEquals(
        "application/vnd.docker.container.image.v1+json",
        manifest.path("config").path("mediaType").asText());
    manifest
        .path("layers")
        .forEach(
            l ->
                assertEquals(
                    "application/vnd.docker.image.rootfs.diff.tar.gzip",
                    l.path("mediaType").asText()));
    assertOurFiles(
        ImageInspector.of(registry).unpack("out/docker-types:1", kiln.newDir("unpacked")).rootfs());
  }

  @Test
  void theLocalStoreKeepsTaggedImagesForLaterBuilds() throws Exception {
    BuildResult stored =
        kiln.build(context, b -> b.tag("local/app:1").output(OutputSpecParser.parse("type=image")));
    assertEquals(List.of("docker.io/local/app:1"), stored.names());
    JsonNode index = JSON.readTree(kiln.cacheDir().resolve("index.json").toFile());
    boolean tagged = false;
    for (JsonNode m : index.path("manifests")) {
      tagged |=
          m.path("annotations")
                  .path("org.opencontainers.image.ref.name")
                  .asText()
                  .equals("docker.io/local/app:1")
              && m.path("digest").asText().equals(stored.imageDigest().orElseThrow().toString());
    }
    assertTrue(tagged, index.toString());

    Path child =
        kiln.context()
            .file("b.txt", "bravo\n")
            .dockerfile("FROM local/app:1\nCOPY b.txt /out/\n")
            .root();
    UnpackedImage image = kiln.pushAndUnpack(registry, child, "out/from-store:1");
    assertOurFiles(image.rootfs());
    assertFile(FileFacts.tree(image.rootfs()), "out/b.txt", 0644, 0, 0, "bravo\n");

    BuildResult unnamed = kiln.build(context, b -> b.output(OutputSpecParser.parse("type=image")));
    JsonNode after = JSON.readTree(kiln.cacheDir().resolve("index.json").toFile());
    assertTrue(
        after.toString().contains(unnamed.imageDigest().orElseThrow().toString()),
        "an unnamed image is kept under its digest");
  }

  @Test
  void ociLayoutDirectoryAndOciArchive() throws Exception {
    Path layout = kiln.newDir("layout").resolve("oci");
    Path archive = kiln.newDir("archive").resolve("image.tar");
    BuildResult result =
        kiln.build(
            context,
            b ->
                b.tag("example.com/app:v1")
                    .output(OutputSpecParser.parse("type=oci,tar=false,dest=" + layout))
                    .output(OutputSpecParser.parse("type=oci,dest=" + archive)));
    // Checked by an independent reader first: every blob there, sizes and digests right, each
    // layer uncompressing to its diffID.
    ImageValidator.assertValid(layout);
    UnpackedImage fromLayout = ImageInspector.unpackLayout(layout, "v1", kiln.newDir("unpacked"));
    assertOurFiles(fromLayout.rootfs());

    String raw =
        ProcessRunner.run(List.of("skopeo", "inspect", "--raw", "oci-archive:" + archive + ":v1"))
            .requireSuccess()
            .stdout();
    assertEquals(fromLayout.manifest(), raw, "both outputs hold the same manifest");
    assertEquals(
        result.imageDigest().orElseThrow().toString(),
        "sha256:" + FileFacts.sha256(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    Path copied = kiln.newDir("copied").resolve("oci");
    ProcessRunner.run(
            List.of(
                "skopeo",
                "--insecure-policy",
                "copy",
                "oci-archive:" + archive + ":v1",
                "oci:" + copied + ":v1"))
        .requireSuccess();
    assertOurFiles(ImageInspector.unpackLayout(copied, "v1", kiln.newDir("unpacked")).rootfs());
  }

  @Test
  void dockerArchiveIsReadBySkopeo() throws Exception {
    Path archive = kiln.newDir("docker").resolve("image.tar");
    kiln.build(
        context,
        b -> b.output(OutputSpecParser.parse("type=docker,name=kiln/app:v2,dest=" + archive)));
    Path copied = kiln.newDir("copied").resolve("oci");
    ProcessRunner.run(
            List.of(
                "skopeo",
                "--insecure-policy",
                "copy",
                "docker-archive:" + archive + ":kiln/app:v2",
                "oci:" + copied + ":v2"))
        .requireSuccess();
    assertOurFiles(ImageInspector.unpackLayout(copied, "v2", kiln.newDir("unpacked")).rootfs());
    JsonNode inspected =
        JSON.readTree(
            ProcessRunner.run(List.of("skopeo", "inspect", "docker-archive:" + archive))
                .requireSuccess()
                .stdout());
    assertEquals("test", inspected.path("Labels").path("output").asText());
  }

  @Test
  void localAndTarExportTheFinalStagesFiles() throws Exception {
    Path dir = kiln.newDir("local").resolve("files");
    Path tar = kiln.newDir("tar").resolve("files.tar");
    BuildResult result =
        kiln.build(
            context,
            b ->
                b.output(OutputSpecParser.parse("type=local,dest=" + dir))
                    .output(OutputSpecParser.parse("type=tar,dest=" + tar)));
    assertTrue(result.imageDigest().isEmpty(), "file outputs make no image");
    assertOurFiles(dir);

    Map<String, TarArchiveEntry> entries = new HashMap<>();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(tar));
        TarArchiveInputStream t = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
        entries.put(e.getName().replaceAll("/$", ""), e);
      }
    }
    TarArchiveEntry a = entries.get("out/a.txt");
    assertEquals(0644, a.getMode() & 07777);
    assertEquals(1000, a.getLongUserId());
    assertEquals(100, a.getLongGroupId());
    assertEquals("c.txt", entries.get("out/tree/link").getLinkName());
    assertTrue(entries.get("out/tree/link").isSymbolicLink());
    assertTrue(entries.containsKey("bin/busybox"));
  }

  @Test
  void aTokenRegistryGetsTheCredentialsOfTheRequest() throws Exception {
    Credentials creds = tokenRegistry.credentials().orElseThrow();
    String host = tokenRegistry.hostPort();
    BuildFailure anonymous =
        assertThrows(
            BuildFailure.class, () -> kiln.push(tokenRegistry, context, "auth/app:1", b -> {}));
    assertEquals(BuildFailure.Kind.REGISTRY, anonymous.kind(), anonymous.getMessage());

    kiln.push(
        tokenRegistry,
        context,
        "auth/app:1",
        b ->
            b.credentials(
                    new StaticCredentials(
                        Map.of(
                            host,
                            new Credential.UsernamePassword(creds.username(), creds.password())),
                        "test credentials"))
                .plainHttpCredentials(host)
                // The token server is plain HTTP too, on its own port.
                .plainHttpCredentials(tokenRegistry.tokenServer().realm().getRawAuthority()));
    assertOurFiles(
        ImageInspector.of(tokenRegistry).unpack("auth/app:1", kiln.newDir("unpacked")).rootfs());
  }
}
