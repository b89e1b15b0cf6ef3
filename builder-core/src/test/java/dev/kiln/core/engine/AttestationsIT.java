package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.core.sbom.JarBytes;
import dev.kiln.core.sbom.SpdxSchema;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --sbom}: the pushed image becomes an index with a BuildKit-style attestation manifest, as
 * skopeo reads it from the registry and from an OCI archive, and the SBOM lists exactly the
 * packages the test base holds: a dpkg status database (its installed stanzas, as {@code dpkg-query
 * -W} would list them), a Spring-Boot-like jar with a nested jar, an npm package and a Python
 * distribution, all put there with COPY.
 */
class AttestationsIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;
  static Path context;
  static String busyboxDigest;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    busyboxDigest = kiln.installBusybox().imageDigest().orElseThrow().toString();
    byte[] jar =
        JarBytes.maven("org.example", "demo", "1.2.3")
            .entry(
                "BOOT-INF/lib/guava-33.0.0-jre.jar",
                JarBytes.maven("com.google.guava", "guava", "33.0.0-jre").bytes())
            .bytes();
    context =
        kiln.context()
            .file(
                "status",
                """
                Package: libc6
                Status: install ok installed
                Architecture: amd64
                Version: 2.36-9+deb12u4

                Package: old-tool
                Status: deinstall ok config-files
                Architecture: amd64
                Version: 0.1

                Package: zlib1g
                Status: install ok installed
                Architecture: amd64
                Version: 1:1.2.13.dfsg-1
                """)
            .file("os-release", "ID=debian\nVERSION_ID=\"12\"\n")
            .bytes("app/demo.jar", jar, 0644)
            .file(
                "app/node_modules/left-pad/package.json",
                "{\"name\":\"left-pad\",\"version\":\"1.3.0\",\"license\":\"WTFPL\"}")
            .file(
                "py/six-1.16.0.dist-info/METADATA",
                "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n")
            .dockerfile(
                """
                FROM busybox:kiln
                COPY status /var/lib/dpkg/status
                COPY os-release /etc/os-release
                COPY app /app
                COPY py /usr/lib/python3/dist-packages
                """)
            .root();
  }

  private static final Set<String> EXPECTED =
      Set.of(
          "pkg:deb/debian/libc6@2.36-9%2Bdeb12u4?arch=amd64&distro=debian-12",
          "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12",
          "pkg:maven/org.example/demo@1.2.3",
          "pkg:maven/com.google.guava/guava@33.0.0-jre",
          "pkg:npm/left-pad@1.3.0",
          "pkg:pypi/six@1.16.0");

  @Test
  void aPushedImageCarriesItsSbomAsBuildKitStoresIt() throws Exception {
    BuildResult result =
        kiln.push(
            registry,
            context,
            "sbom/app:1",
            b -> b.attest(AttestationSpec.sbom("true").orElseThrow()));
    String raw = ImageInspector.of(registry).rawManifest("sbom/app:1");
    assertEquals(result.imageDigest().orElseThrow().toString(), ImageInspector.digestOf(raw));
    JsonNode index = JSON.readTree(raw);
    assertEquals("application/vnd.oci.image.index.v1+json", index.path("mediaType").asText());
    JsonNode entries = index.path("manifests");
    assertEquals(2, entries.size(), raw);
    JsonNode image = entries.get(0);
    JsonNode attestation = entries.get(1);
    assertEquals("unknown", attestation.path("platform").path("os").asText());
    assertEquals("unknown", attestation.path("platform").path("architecture").asText());
    assertEquals(
        "attestation-manifest",
        attestation.path("annotations").path("vnd.docker.reference.type").asText());
    assertEquals(
        image.path("digest").asText(),
        attestation.path("annotations").path("vnd.docker.reference.digest").asText());

    JsonNode statement =
        ImageInspector.of(registry)
            .attestationStatement(
                "sbom/app", attestation.path("digest").asText(), 0, "https://spdx.dev/Document");
    assertEquals("https://in-toto.io/Statement/v0.1", statement.path("_type").asText());
    assertEquals(
        image.path("digest").asText(),
        "sha256:" + statement.path("subject").get(0).path("digest").path("sha256").asText());
    assertTrue(
        statement
            .path("subject")
            .get(0)
            .path("name")
            .asText()
            .startsWith("pkg:docker/" + registry.reference("sbom/app") + "@1?platform="),
        statement.toString());
    JsonNode spdx = statement.path("predicate");
    assertEquals("SPDX-2.3", spdx.path("spdxVersion").asText());
    assertEquals(EXPECTED, purls(spdx));

    // The image itself still pulls: runtimes pick it by platform and skip unknown/unknown.
    Path rootfs =
        ImageInspector.of(registry).unpack("sbom/app:1", kiln.newDir("unpacked")).rootfs();
    assertTrue(Files.isRegularFile(rootfs.resolve("var/lib/dpkg/status")));
    assertTrue(
        kiln.events().stream()
            .anyMatch(
                e -> e instanceof BuildEvent.Note n && n.message().startsWith("sbom: 6 packages")),
        kiln.events().toString());
  }

  @Test
  void anOciArchiveHoldsTheIndexAndTheLocalStoreTheImageAlone() throws Exception {
    Path archive = kiln.newDir("oci").resolve("image.tar");
    kiln.build(
        context,
        b ->
            b.tag("example.com/sbom:v1")
                .attest(AttestationSpec.sbom("true").orElseThrow())
                .output(OutputSpecParser.parse("type=oci,dest=" + archive))
                .output(OutputSpecParser.parse("type=image")));
    JsonNode index =
        JSON.readTree(
            ProcessRunner.run(
                    List.of("skopeo", "inspect", "--raw", "oci-archive:" + archive + ":v1"))
                .requireSuccess()
                .stdout());
    assertEquals(2, index.path("manifests").size(), index.toString());
    assertEquals(
        "attestation-manifest",
        index
            .path("manifests")
            .get(1)
            .path("annotations")
            .path("vnd.docker.reference.type")
            .asText());
    assertTrue(
        kiln.events().stream()
            .anyMatch(
                e ->
                    e instanceof BuildEvent.Warning w
                        && w.message().contains("without its attestations")),
        kiln.events().toString());
  }

  private static final String SECRET = "kiln-provenance-canary-7f3e9b";

  @Test
  void provenanceRecordsBasesAndArgumentsInMaxModeAndNeverASecret() throws Exception {
    Path secretFile = kiln.newDir("secret").resolve("token");
    Files.writeString(secretFile, SECRET + "-file");
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    env.put("KILN_PROVENANCE_TOKEN", SECRET + "-env");
    Path withSecrets =
        kiln.context()
            .file("a.txt", "a\n")
            .dockerfile(
                """
                FROM busybox:kiln
                ARG VERSION
                COPY a.txt /
                RUN --mount=type=secret,id=token --mount=type=secret,id=envtoken \
                    cat /run/secrets/token /run/secrets/envtoken > /dev/null && echo $VERSION > /v
                """)
            .root();
    BuildResult max =
        kiln.push(
            registry,
            withSecrets,
            "prov/app:max",
            b ->
                b.buildArg("VERSION", "9.9.9")
                    .secret(dev.kiln.api.request.SecretSpec.parse("id=token,src=" + secretFile))
                    .secret(
                        dev.kiln.api.request.SecretSpec.parse(
                            "id=envtoken,env=KILN_PROVENANCE_TOKEN"))
                    .environment(env)
                    .attest(AttestationSpec.provenance("mode=max").orElseThrow())
                    .attest(AttestationSpec.sbom("true").orElseThrow()));
    List<JsonNode> statements = statements("prov/app:max");
    assertEquals(2, statements.size(), "the SBOM and the provenance, in one attestation manifest");
    JsonNode provenance =
        statements.stream()
            .filter(s -> s.path("predicateType").asText().equals("https://slsa.dev/provenance/v1"))
            .findFirst()
            .orElseThrow();
    JsonNode definition = provenance.path("predicate").path("buildDefinition");
    JsonNode request = definition.path("externalParameters").path("request");
    assertEquals("9.9.9", request.path("args").path("VERSION").asText());
    assertEquals(
        Set.of("token", "envtoken"),
        Set.of(
            request.path("secrets").get(0).path("id").asText(),
            request.path("secrets").get(1).path("id").asText()));
    JsonNode base = definition.path("resolvedDependencies").get(0);
    assertTrue(
        base.path("uri").asText().startsWith("pkg:docker/docker.io/library/busybox@kiln?platform="),
        base.toString());
    assertEquals(busyboxDigest, "sha256:" + base.path("digest").path("sha256").asText());
    assertTrue(
        definition.path("resolvedDependencies").get(1).path("uri").asText().startsWith("context:"),
        definition.toString());
    assertTrue(
        provenance
            .path("predicate")
            .path("runDetails")
            .path("builder")
            .path("id")
            .asText()
            .startsWith("https://kiln.dev/kiln@"));
    assertEquals(
        result(max),
        ImageInspector.digestOf(ImageInspector.of(registry).rawManifest("prov/app:max")));

    BuildResult min =
        kiln.push(
            registry,
            withSecrets,
            "prov/app:min",
            b ->
                b.buildArg("VERSION", "9.9.9")
                    .secret(dev.kiln.api.request.SecretSpec.parse("id=token,src=" + secretFile))
                    .secret(
                        dev.kiln.api.request.SecretSpec.parse(
                            "id=envtoken,env=KILN_PROVENANCE_TOKEN"))
                    .environment(env)
                    .attest(AttestationSpec.provenance("true").orElseThrow()));
    JsonNode minRequest =
        statements("prov/app:min")
            .get(0)
            .path("predicate")
            .path("buildDefinition")
            .path("externalParameters")
            .path("request");
    assertTrue(minRequest.path("args").isMissingNode(), minRequest.toString());
    assertTrue(min.imageDigest().isPresent());
  }

  @Test
  void oneCommandSignsTheIndexThatCarriesTheAttestations() throws Exception {
    Path keys = kiln.newDir("keys");
    dev.kiln.api.sign.SigningKeys.write(
        dev.kiln.api.sign.SigningKeys.generate(java.util.Optional.empty()),
        keys.resolve("k.key"),
        keys.resolve("k.pub"));
    BuildResult result =
        kiln.push(
            registry,
            context,
            "all/app:1",
            b ->
                b.attest(AttestationSpec.sbom("true").orElseThrow())
                    .attest(AttestationSpec.provenance("mode=max").orElseThrow())
                    .sign(
                        new dev.kiln.api.request.SignSpec(
                            keys.resolve("k.key"), java.util.Optional.empty())));
    try (var client =
        dev.kiln.registry.client.RegistryClient.create(
            dev.kiln.registry.client.RegistryClientOptions.defaults())) {
      var verified =
          new dev.kiln.api.sign.ImageSignatures(client)
              .verify(
                  dev.kiln.registry.reference.ImageReference.parse(registry.reference("all/app:1")),
                  dev.kiln.api.sign.SigningKeys.verifier(keys.resolve("k.pub")));
      assertEquals(result.imageDigest().orElseThrow(), verified.get(0).manifestDigest());
    }
    JsonNode index = JSON.readTree(ImageInspector.of(registry).rawManifest("all/app:1"));
    assertEquals(
        "application/vnd.oci.image.index.v1+json",
        index.path("mediaType").asText(),
        "the signature signs the index, which lists the image and its attestations");
    assertEquals(2, statements("all/app:1").size());
  }

  /**
   * A real dpkg database: this Debian machine's own {@code /var/lib/dpkg/status} (hundreds of
   * packages, multi-arch and epoch versions among them) copied into an image. The SBOM must list
   * exactly the packages {@code dpkg-query -W} reports as installed from that same file.
   */
  @Test
  void theSbomListsExactlyWhatDpkgQueryListsForARealDebianDatabase() throws Exception {
    Path status = Path.of("/var/lib/dpkg/status");
    assertTrue(Files.isRegularFile(status), "the tests run on Debian (scripts/setup-debian.sh)");
    Path debian =
        kiln.context()
            .bytes("status", Files.readAllBytes(status), 0644)
            .bytes("os-release", Files.readAllBytes(Path.of("/etc/os-release")), 0644)
            .dockerfile(
                """
                FROM busybox:kiln
                COPY status /var/lib/dpkg/status
                COPY os-release /etc/os-release
                """)
            .root();
    kiln.push(
        registry,
        debian,
        "sbom/debian:1",
        b -> b.attest(AttestationSpec.sbom("true").orElseThrow()));
    Set<String> listed = new TreeSet<>();
    for (JsonNode p : statements("sbom/debian:1").get(0).path("predicate").path("packages")) {
      for (JsonNode ref : p.path("externalRefs")) {
        String purl = ref.path("referenceLocator").asText();
        if (purl.startsWith("pkg:deb/")) {
          String arch = purl.replaceAll(".*[?&]arch=([^&]*).*", "$1");
          listed.add(p.path("name").asText() + " " + p.path("versionInfo").asText() + " " + arch);
        }
      }
    }

    Path admin = kiln.newDir("dpkg-admin");
    Files.createDirectories(admin.resolve("updates"));
    Files.createDirectories(admin.resolve("info"));
    Files.copy(status, admin.resolve("status"));
    ProcessRunner.Result query =
        ProcessRunner.run(
            List.of(
                "dpkg-query",
                "--admindir=" + admin,
                "-W",
                "-f=${db:Status-Status} ${Package} ${Version} ${Architecture}\\n"),
            java.util.Map.of(),
            java.time.Duration.ofMinutes(1));
    assertEquals(0, query.exitCode(), query.stderr());
    Set<String> installed = new TreeSet<>();
    query
        .stdout()
        .lines()
        .filter(l -> l.startsWith("installed "))
        .forEach(l -> installed.add(l.substring("installed ".length())));
    assertTrue(installed.size() > 50, "a real database: " + installed.size() + " packages");
    assertEquals(installed, listed);
  }

  /**
   * With --sign, each statement is also stored as cosign attest does: a DSSE envelope signed with
   * the build's key, in the {@code .att} image next to the platform image (the statement's
   * subject). Python (OpenSSL, its own pre-authentication encoding) checks the envelopes; kiln
   * verifies them by type, and refuses another key and an image they are not about.
   */
  @Test
  void signedBuildsAlsoSignEachAttestationAsADsseEnvelope() throws Exception {
    Path keys = kiln.newDir("dsse-keys");
    dev.kiln.api.sign.SigningKeys.write(
        dev.kiln.api.sign.SigningKeys.generate(java.util.Optional.empty()),
        keys.resolve("k.key"),
        keys.resolve("k.pub"));
    dev.kiln.api.sign.SigningKeys.write(
        dev.kiln.api.sign.SigningKeys.generate(java.util.Optional.empty()),
        keys.resolve("other.key"),
        keys.resolve("other.pub"));
    kiln.push(
        registry,
        context,
        "dsse/app:1",
        b ->
            b.attest(AttestationSpec.sbom("true").orElseThrow())
                .attest(AttestationSpec.provenance("mode=max").orElseThrow())
                .sign(
                    new dev.kiln.api.request.SignSpec(
                        keys.resolve("k.key"), java.util.Optional.empty())));
    JsonNode index = JSON.readTree(ImageInspector.of(registry).rawManifest("dsse/app:1"));
    String image = index.path("manifests").get(0).path("digest").asText();
    JsonNode att =
        JSON.readTree(
            ImageInspector.of(registry)
                .rawManifest("dsse/app:sha256-" + image.substring("sha256:".length()) + ".att"));
    assertEquals(2, att.path("layers").size(), att.toString());
    Set<String> types = new TreeSet<>();
    for (JsonNode layer : att.path("layers")) {
      assertEquals("application/vnd.dsse.envelope.v1+json", layer.path("mediaType").asText());
      assertEquals(
          "", layer.path("annotations").path("dev.cosignproject.cosign/signature").asText("x"));
      Path envelope = kiln.newDir("envelope").resolve("envelope.json");
      Files.write(
          envelope, ImageInspector.of(registry).blob("dsse/app", layer.path("digest").asText()));
      ProcessRunner.Result checked =
          python("dsse", keys.resolve("k.pub").toString(), envelope.toString(), image);
      assertEquals(0, checked.exitCode(), checked.stderr());
      types.add(checked.stdout().strip());
      assertEquals(
          checked.stdout().strip(), layer.path("annotations").path("predicateType").asText());
      assertEquals(
          1,
          python("dsse", keys.resolve("other.pub").toString(), envelope.toString(), image)
              .exitCode(),
          "another key's check fails");
      assertEquals(
          1,
          python(
                  "dsse",
                  keys.resolve("k.pub").toString(),
                  envelope.toString(),
                  "sha256:" + "0".repeat(64))
              .exitCode(),
          "the statement is about the image only");
    }
    assertEquals(Set.of("https://slsa.dev/provenance/v1", "https://spdx.dev/Document"), types);

    try (var client =
        dev.kiln.registry.client.RegistryClient.create(
            dev.kiln.registry.client.RegistryClientOptions.defaults())) {
      var attestations = new dev.kiln.api.sign.ImageAttestations(client);
      var ref = dev.kiln.registry.reference.ImageReference.parse(registry.reference("dsse/app:1"));
      var sboms =
          attestations.verify(
              ref,
              dev.kiln.api.sign.SigningKeys.verifier(keys.resolve("k.pub")),
              java.util.Optional.of(dev.kiln.api.sign.ImageAttestations.predicateType("sbom")));
      assertEquals(1, sboms.size());
      assertEquals(image, sboms.get(0).image().toString());
      assertEquals(EXPECTED, purls(sboms.get(0).statement().path("predicate")));
      SpdxSchema.assertValid(sboms.get(0).statement().path("predicate"));
      assertEquals(
          2,
          attestations
              .verify(
                  ref,
                  dev.kiln.api.sign.SigningKeys.verifier(keys.resolve("k.pub")),
                  java.util.Optional.empty())
              .size());
      var refused =
          org.junit.jupiter.api.Assertions.assertThrows(
              dev.kiln.api.build.BuildFailure.class,
              () ->
                  attestations.verify(
                      ref,
                      dev.kiln.api.sign.SigningKeys.verifier(keys.resolve("other.pub")),
                      java.util.Optional.empty()));
      assertEquals(dev.kiln.api.build.BuildFailure.Kind.VERIFICATION, refused.kind());

      // Registry 2.8 has no referrers API (404): the envelopes went under the .att tag alone,
      // and no referrer manifest was pushed (2.8 would have stored one, indexing nothing).
      assertFalse(
          client.supportsReferrers(
              ref.repositoryOnly(), dev.kiln.registry.model.Digest.parse(image)));
      assertEquals(List.of(), manifestsWithASubject("dsse/app"));
    }
  }

  /** The manifests of {@code repository} in the registry's storage that name a subject. */
  private static List<String> manifestsWithASubject(String repository) throws Exception {
    Path v2 = registry.storage().resolve("docker/registry/v2");
    Path revisions = v2.resolve("repositories/" + repository + "/_manifests/revisions/sha256");
    List<String> withSubject = new java.util.ArrayList<>();
    try (var hexes = Files.list(revisions)) {
      for (Path hex : hexes.toList()) {
        String h = hex.getFileName().toString();
        Path data = v2.resolve("blobs/sha256/" + h.substring(0, 2) + "/" + h + "/data");
        if (JSON.readTree(Files.readAllBytes(data)).has("subject")) {
          withSubject.add(h);
        }
      }
    }
    return withSubject;
  }

  /** Runs {@code sign/cosign_keys.py} (python3-cryptography), kiln's independent checker. */
  private static ProcessRunner.Result python(String... args) throws Exception {
    Path script = Path.of(AttestationsIT.class.getResource("/sign/cosign_keys.py").toURI());
    List<String> command =
        new java.util.ArrayList<>(List.of("/usr/bin/python3", script.toString()));
    command.addAll(List.of(args));
    return ProcessRunner.run(command, java.util.Map.of(), java.time.Duration.ofMinutes(2));
  }

  private static String result(BuildResult r) {
    return r.imageDigest().orElseThrow().toString();
  }

  /**
   * The statements of the tag's attestation manifest; fails if the canary secret is anywhere in the
   * attestation manifest or its blobs.
   */
  private static List<JsonNode> statements(String repositoryAndTag) throws Exception {
    String repository = repositoryAndTag.substring(0, repositoryAndTag.indexOf(':'));
    JsonNode index = JSON.readTree(ImageInspector.of(registry).rawManifest(repositoryAndTag));
    String attestation = index.path("manifests").get(1).path("digest").asText();
    String manifest = ImageInspector.of(registry).rawManifest(repository + "@" + attestation);
    assertFalse(manifest.contains(SECRET), manifest);
    List<JsonNode> statements = new java.util.ArrayList<>();
    for (JsonNode layer : JSON.readTree(manifest).path("layers")) {
      byte[] bytes = ImageInspector.of(registry).blob(repository, layer.path("digest").asText());
      String text = new String(bytes, StandardCharsets.UTF_8);
      assertFalse(text.contains(SECRET), "no secret value in an attestation: " + text);
      JsonNode statement = JSON.readTree(bytes);
      if (statement.path("predicateType").asText().equals("https://spdx.dev/Document")) {
        SpdxSchema.assertValid(statement.path("predicate"));
      }
      statements.add(statement);
    }
    return statements;
  }

  private static Set<String> purls(JsonNode spdx) {
    Set<String> purls = new TreeSet<>();
    for (JsonNode p : spdx.path("packages")) {
      for (JsonNode ref : p.path("externalRefs")) {
        purls.add(ref.path("referenceLocator").asText());
      }
    }
    return purls;
  }
}
