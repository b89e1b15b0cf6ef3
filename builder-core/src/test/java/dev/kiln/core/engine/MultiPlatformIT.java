package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.CacheSpec;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.registry.model.MediaType;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.baseimage.Arm64BusyboxRootfs;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.Podman;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --platform linux/amd64,linux/arm64}: one build, an image index, each platform's RUN on its
 * own architecture (arm64 under the host's binfmt_misc emulation), the platform-independent builder
 * stage built once. The base is itself a two-platform busybox built by kiln from Debian's amd64 and
 * arm64 busybox-static; skopeo and umoci read what kiln wrote.
 */
class MultiPlatformIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TWO = "linux/amd64,linux/arm64";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;
  static Path baseContext;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    ContextDir base = kiln.context();
    Files.copy(BusyboxRootfs.tar(), base.root().resolve("rootfs-amd64.tar"));
    Files.copy(Arm64BusyboxRootfs.tar(), base.root().resolve("rootfs-arm64.tar"));
    base.dockerfile(
        """
        FROM scratch
        ARG TARGETARCH
        ADD rootfs-${TARGETARCH}.tar /
        CMD ["/bin/sh"]
        """);
    installBase(kiln, base.root());
    baseContext = base.root();
  }

  /** Stores the two-platform busybox as {@code busybox:multi}, the same bytes in every store. */
  private static void installBase(BuildHarness harness, Path base) throws Exception {
    harness.build(
        base,
        b ->
            b.platform(TWO)
                .sourceDateEpoch(0)
                .tag("busybox:multi")
                .output(OutputSpecParser.parse("type=image")));
  }

  /**
   * The Dockerfile under test: a builder that does not depend on the target (shared), a
   * cross-compiling one on the build platform told the target (one per target, run natively), and
   * the runtime stage; {@code test} makes the runtime stage's steps the test's own.
   */
  private static Path context(String test) {
    return kiln.context()
        .dockerfile(
            """
            FROM --platform=$BUILDPLATFORM busybox:multi AS build
            RUN uname -m > /build-arch
            FROM --platform=$BUILDPLATFORM busybox:multi AS cross
            ARG TARGETARCH
            RUN echo "compiled on $(uname -m) for $TARGETARCH" > /out
            FROM busybox:multi
            ARG TARGETARCH
            ENV TEST=%s
            COPY --from=build /build-arch /build-arch
            COPY --from=cross /out /cross
            RUN uname -m > /arch && echo "$TARGETARCH" > /targetarch
            """
                .formatted(test))
        .root();
  }

  @Test
  void pushesAnIndexWhoseImagesRanOnTheirOwnArchitecture() throws Exception {
    Path context = context("push");
    BuildResult result = kiln.push(registry, context, "multi:1", b -> b.platform(TWO));
    List<BuildEvent> events = kiln.events();

    JsonNode index = JSON.readTree(ImageInspector.of(registry).rawManifest("multi:1"));
    assertEquals(MediaType.OCI_INDEX, index.path("mediaType").asText());
    assertEquals(List.of("linux/amd64", "linux/arm64"), platforms(index));
    assertEquals(MediaType.OCI_INDEX, result.manifestMediaType().orElseThrow());
    assertTrue(result.imageDigest().isPresent());

    UnpackedImage amd64 = ImageInspector.of(registry).unpack("multi:1", "amd64", kiln.newDir("a"));
    UnpackedImage arm64 = ImageInspector.of(registry).unpack("multi:1", "arm64", kiln.newDir("b"));
    assertEquals("x86_64\n", Files.readString(amd64.rootfs().resolve("arch")));
    assertEquals("aarch64\n", Files.readString(arm64.rootfs().resolve("arch")));
    assertEquals("amd64\n", Files.readString(amd64.rootfs().resolve("targetarch")));
    assertEquals("arm64\n", Files.readString(arm64.rootfs().resolve("targetarch")));
    assertEquals("arm64", arm64.configJson().path("architecture").asText());
    assertEquals("amd64", amd64.configJson().path("architecture").asText());
    // The builder stage ran on the build platform, once, for both images.
    assertEquals("x86_64\n", Files.readString(arm64.rootfs().resolve("build-arch")));
    assertEquals(1, started(events, "RUN uname -m > /build-arch"), labels(events));
    // The cross-compiling builder ran natively once per target, told the target.
    assertEquals(
        "compiled on x86_64 for arm64\n", Files.readString(arm64.rootfs().resolve("cross")));
    assertEquals(
        "compiled on x86_64 for amd64\n", Files.readString(amd64.rootfs().resolve("cross")));
    assertEquals(2, started(events, "RUN echo \"compiled"), labels(events));
    assertEquals(2, started(events, "RUN uname -m > /arch"), labels(events));
    assertTrue(
        events.stream()
            .anyMatch(
                e ->
                    e instanceof BuildEvent.Note n
                        && n.message().startsWith("RUN for linux/arm64 runs under emulation")),
        "a note says arm64's RUN is emulated");

    BuildResult again = kiln.push(registry, context, "multi:1", b -> b.platform(TWO));
    assertEquals(0, again.stepsExecuted(), "a rebuild with nothing changed runs no step");
    assertEquals(result.imageDigest(), again.imageDigest());
  }

  @Test
  void writesTheIndexToAnOciLayoutAndArchiveAndEachPlatformsFiles() throws Exception {
    Path layout = kiln.newDir("layout").resolve("out");
    Path archive = kiln.newDir("archive").resolve("out.tar");
    Path files = kiln.newDir("files").resolve("out");
    Path context = context("layout");
    kiln.build(
        context,
        b ->
            b.platform(TWO)
                .tag("app:2")
                .output(OutputSpecParser.parse("type=oci,tar=false,dest=" + layout))
                .output(OutputSpecParser.parse("type=oci,dest=" + archive))
                .output(OutputSpecParser.parse("type=local,dest=" + files)));
    // type=local: each platform's files in a directory of its own, named as buildx names it.
    assertEquals("x86_64\n", Files.readString(files.resolve("linux_amd64/arch")));
    assertEquals("aarch64\n", Files.readString(files.resolve("linux_arm64/arch")));
    for (String source : List.of("oci:" + layout + ":2", "oci-archive:" + archive + ":2")) {
      JsonNode index = JSON.readTree(skopeo("inspect", "--raw", source));
      assertEquals(MediaType.OCI_INDEX, index.path("mediaType").asText(), source);
      assertEquals(List.of("linux/amd64", "linux/arm64"), platforms(index), source);
    }
    // A real container engine runs each platform's image (arm64 under emulation).
    for (String[] platform :
        new String[][] {{"linux/amd64", "x86_64"}, {"linux/arm64", "aarch64"}}) {
      ProcessRunner.Result run =
          Podman.runArchive(archive, kiln.newDir("podman"), platform[0], List.of("cat", "/arch"));
      assertEquals(0, run.exitCode(), run.stderr());
      assertEquals(platform[1] + "\n", run.stdout(), platform[0]);
    }
    Path copy = kiln.newDir("copy").resolve("arm64");
    skopeo("--override-arch", "arm64", "copy", "oci:" + layout + ":2", "oci:" + copy + ":arm64");
    UnpackedImage arm64 = ImageInspector.unpackLayout(copy, "arm64", kiln.newDir("unpack"));
    assertEquals("aarch64\n", Files.readString(arm64.rootfs().resolve("arch")));
  }

  @Test
  void aCacheExportedByOneStoreServesBothPlatformsInAnother(@TempDir Path other) throws Exception {
    Path cache = kiln.newDir("ci-cache");
    Path context = context("remote-cache");
    kiln.build(
        context,
        b ->
            b.platform(TWO)
                .cacheTo(CacheSpec.parse("type=local,mode=max,dest=" + cache, true))
                .output(OutputSpecParser.parse("type=image")));

    BuildHarness fresh = new BuildHarness(other);
    installBase(fresh, baseContext);
    BuildResult result =
        fresh.build(
            context,
            b ->
                b.platform(TWO)
                    .cacheFrom(CacheSpec.parse("type=local,src=" + cache, false))
                    .output(OutputSpecParser.parse("type=image")));
    assertEquals(0, result.stepsExecuted(), labels(fresh.events()));
  }

  @Test
  void oneFailingPlatformFailsTheBuildNamingItsStep() throws Exception {
    Path context =
        kiln.context()
            .dockerfile(
                """
                FROM busybox:multi
                ENV TEST=failing
                RUN sleep 1 && test "$(uname -m)" = x86_64
                """)
            .root();
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    context, b -> b.platform(TWO).output(OutputSpecParser.parse("type=image"))));
    assertTrue(
        failure.getMessage().startsWith("Dockerfile:3:1: linux/arm64: process"),
        failure.getMessage());
    assertTrue(
        kiln.events().stream()
            .anyMatch(
                e ->
                    e instanceof BuildEvent.StepFailed f
                        && !f.cancelled()
                        && f.step().stage().equals("linux/arm64")),
        "the arm64 step failed: " + kiln.events());
  }

  /**
   * {@code --platform a,b --sbom=true}, pushed: as BuildKit lists them, one index of each
   * platform's image and, after them, each one's attestation manifest pointing back at it, whose
   * in-toto statements are about that image (and name its platform), read back with skopeo.
   */
  @Test
  void aTwoPlatformSbomListsEachImageAndItsAttestationManifest() throws Exception {
    Path context =
        kiln.context()
            .file("os-release", "ID=debian\nVERSION_ID=\"12\"\n")
            .dockerfile(
                """
                FROM busybox:multi
                ARG TARGETARCH
                COPY os-release /etc/os-release
                RUN echo "$TARGETARCH" > /targetarch
                """)
            .root();
    BuildResult result =
        kiln.push(
            registry,
            context,
            "multi-sbom:1",
            b ->
                b.platform(TWO)
                    .attest(AttestationSpec.sbom("true").orElseThrow())
                    .attest(AttestationSpec.provenance("mode=min").orElseThrow()));

    String raw = ImageInspector.of(registry).rawManifest("multi-sbom:1");
    assertEquals(result.imageDigest().orElseThrow().toString(), ImageInspector.digestOf(raw));
    JsonNode index = JSON.readTree(raw);
    assertEquals(MediaType.OCI_INDEX, index.path("mediaType").asText());
    assertEquals(
        List.of("linux/amd64", "linux/arm64", "unknown/unknown", "unknown/unknown"),
        platforms(index),
        raw);
    JsonNode entries = index.path("manifests");
    for (int i = 0; i < 2; i++) {
      JsonNode image = entries.get(i);
      JsonNode attestation = entries.get(2 + i);
      String arch = image.path("platform").path("architecture").asText();
      assertEquals(MediaType.OCI_MANIFEST, image.path("mediaType").asText());
      assertEquals(
          "attestation-manifest",
          attestation.path("annotations").path("vnd.docker.reference.type").asText(),
          raw);
      assertEquals(
          image.path("digest").asText(),
          attestation.path("annotations").path("vnd.docker.reference.digest").asText(),
          raw);

      // Each platform's image is what runtimes of that platform pull: its config says so.
      JsonNode config =
          JSON.readTree(
              ImageInspector.of(registry).rawConfig("multi-sbom@" + image.path("digest").asText()));
      assertEquals(arch, config.path("architecture").asText());

      JsonNode statement =
          ImageInspector.of(registry)
              .attestationStatement(
                  "multi-sbom",
                  attestation.path("digest").asText(),
                  0,
                  "https://spdx.dev/Document");
      JsonNode subject = statement.path("subject").get(0);
      assertEquals(
          image.path("digest").asText(),
          "sha256:" + subject.path("digest").path("sha256").asText());
      assertTrue(
          subject.path("name").asText().endsWith("?platform=linux%2F" + arch),
          statement.path("subject").toString());
      assertEquals("SPDX-2.3", statement.path("predicate").path("spdxVersion").asText());

      // Provenance names this platform's base, and no base only another target used.
      JsonNode provenance =
          ImageInspector.of(registry)
              .attestationStatement(
                  "multi-sbom",
                  attestation.path("digest").asText(),
                  1,
                  "https://slsa.dev/provenance/v1");
      List<String> bases = new ArrayList<>();
      for (JsonNode d :
          provenance.path("predicate").path("buildDefinition").path("resolvedDependencies")) {
        if (d.path("uri").asText().startsWith("pkg:docker/")) {
          bases.add(d.path("uri").asText());
        }
      }
      String own = "pkg:docker/docker.io/library/busybox@multi?platform=linux%2F" + arch;
      assertTrue(bases.contains(own), bases.toString());
      if (arch.equals("amd64")) {
        // The build platform's own image: the arm64 base went into the other image only.
        assertEquals(List.of(own), bases);
      }
    }
  }

  @Test
  void dockerMediaTypesMakeAManifestList() throws Exception {
    kiln.build(
        context("docker-media-types"),
        b ->
            b.platform(TWO)
                .tag(registry.reference("docker:1"))
                .output(OutputSpecParser.parse("type=registry,oci-mediatypes=false")));
    JsonNode list = JSON.readTree(ImageInspector.of(registry).rawManifest("docker:1"));
    assertEquals(MediaType.DOCKER_MANIFEST_LIST, list.path("mediaType").asText());
    for (JsonNode m : list.path("manifests")) {
      assertEquals(MediaType.DOCKER_MANIFEST, m.path("mediaType").asText());
    }
  }

  @Test
  void aDockerArchiveOfSeveralPlatformsIsRefusedBeforeAnyStep() {
    Path tar = kiln.newDir("docker").resolve("out.tar");
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    context("docker-archive"),
                    b ->
                        b.platform(TWO)
                            .tag("app:3")
                            .output(OutputSpecParser.parse("type=docker,dest=" + tar))));
    assertTrue(failure.getMessage().contains("type=docker"), failure.getMessage());
    assertTrue(kiln.events().isEmpty(), "nothing ran: " + kiln.events());
    assertTrue(!Files.exists(tar));
  }

  private static String skopeo(String... args) {
    List<String> command = new ArrayList<>(List.of("skopeo", "--insecure-policy"));
    command.addAll(List.of(args));
    return ProcessRunner.run(command).requireSuccess().stdout();
  }

  private static List<String> platforms(JsonNode index) {
    List<String> platforms = new ArrayList<>();
    for (JsonNode m : index.path("manifests")) {
      platforms.add(
          m.path("platform").path("os").asText()
              + "/"
              + m.path("platform").path("architecture").asText());
    }
    return platforms;
  }

  /** How many steps whose text starts with {@code text} started. */
  private static long started(List<BuildEvent> events, String text) {
    return events.stream()
        .filter(e -> e instanceof BuildEvent.StepStarted s && s.step().text().startsWith(text))
        .count();
  }

  private static String labels(List<BuildEvent> events) {
    StringBuilder all = new StringBuilder();
    for (BuildEvent e : events) {
      if (e instanceof BuildEvent.StepStarted s) {
        all.append('#').append(s.step().number()).append(' ').append(s.step().label()).append('\n');
      }
    }
    return all.toString();
  }
}
