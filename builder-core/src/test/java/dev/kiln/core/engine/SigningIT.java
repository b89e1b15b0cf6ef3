package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.SignSpec;
import dev.kiln.api.sign.ImageAttestations;
import dev.kiln.api.sign.ImageSignatures;
import dev.kiln.api.sign.SignedImage;
import dev.kiln.api.sign.SigningKeys;
import dev.kiln.api.sign.VerifiedAttestation;
import dev.kiln.api.sign.VerifiedSignature;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RegistryClientOptions;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signatures in cosign's format, judged by implementations that are not kiln's. Neither cosign nor
 * a sigstore-enabled skopeo is installable here: Debian 12 has no cosign package (and its Go is too
 * old to build one), and its skopeo 1.9 is built with sigstore disabled ("Debian-local change:
 * sigstore disabled"). So the stored signature is fetched with skopeo and plain HTTP and checked
 * with the JDK (keys parsed by BouncyCastle) and with OpenSSL (python3-cryptography), and kiln's
 * encrypted keys are opened, and made, by OpenSSL's scrypt and libsodium's secretbox ({@code
 * sign/cosign_keys.py}): the primitives cosign's own Go code uses, in other implementations.
 */
class SigningIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "correct horse battery staple";
  private static final String PASSWORD_ENV = "KILN_SIGNING_IT_PASSWORD";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;
  static Path context;
  static Path otherContext;
  static Path key;
  static Path pub;
  static Path otherKey;
  static Path otherPub;
  static RegistryClient client;

  @BeforeAll
  static void setUp() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    context =
        kiln.context()
            .file("a.txt", "signed\n")
            .dockerfile("FROM busybox:kiln\nCOPY a.txt /\n")
            .root();
    otherContext =
        kiln.context()
            .file("a.txt", "other\n")
            .dockerfile("FROM busybox:kiln\nCOPY a.txt /\n")
            .root();
    Path keys = kiln.newDir("keys");
    key = keys.resolve("kiln.key");
    pub = keys.resolve("kiln.pub");
    SigningKeys.write(SigningKeys.generate(Optional.of(PASSWORD)), key, pub);
    otherKey = keys.resolve("other.key");
    otherPub = keys.resolve("other.pub");
    SigningKeys.write(SigningKeys.generate(Optional.empty()), otherKey, otherPub);
    client = RegistryClient.create(RegistryClientOptions.defaults());
  }

  @AfterAll
  static void close() throws Exception {
    client.close();
  }

  private static Map<String, String> environmentWithPassword() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put(PASSWORD_ENV, PASSWORD);
    return env;
  }

  private static BuildResult pushSigned(Path ctx, String repositoryAndTag) throws Exception {
    return kiln.push(
        registry,
        ctx,
        repositoryAndTag,
        b ->
            b.sign(new SignSpec(key, Optional.of(PASSWORD_ENV)))
                .environment(environmentWithPassword()));
  }

  /** Runs {@code sign/cosign_keys.py} with Debian's python3 (its python3-cryptography). */
  private static ProcessRunner.Result python(String... args) throws Exception {
    Path script = Path.of(SigningIT.class.getResource("/sign/cosign_keys.py").toURI());
    List<String> command =
        new java.util.ArrayList<>(List.of("/usr/bin/python3", script.toString()));
    command.addAll(List.of(args));
    return ProcessRunner.run(command, Map.of(), Duration.ofMinutes(2));
  }

  private static Path passwordFile(String password) throws Exception {
    Path file = kiln.newDir("password").resolve("password");
    Files.writeString(file, password);
    return file;
  }

  private static ImageReference ref(String repositoryAndTag) {
    return ImageReference.parse(registry.reference(repositoryAndTag));
  }

  @Test
  void aBuildSignsWhatItPushesAndKilnVerifiesIt() throws Exception {
    BuildResult result = pushSigned(context, "signed/app:1");
    Digest digest = result.imageDigest().orElseThrow();
    assertTrue(
        kiln.events().stream()
            .anyMatch(e -> e instanceof BuildEvent.Note n && n.message().startsWith("signed ")),
        kiln.events().toString());
    List<VerifiedSignature> verified =
        new ImageSignatures(client).verify(ref("signed/app:1"), SigningKeys.verifier(pub));
    assertEquals(1, verified.size());
    assertEquals(digest, verified.get(0).manifestDigest());
    assertEquals(registry.reference("signed/app"), verified.get(0).dockerReference());
  }

  /**
   * A two-platform build with {@code --sbom --sign}: the index the tag names and each platform's
   * image are signed (as {@code cosign sign --recursive} signs), so a verifier that resolved the
   * tag to one platform finds a signature too, and each platform's SBOM is a signed DSSE envelope.
   */
  @Test
  void aMultiPlatformBuildSignsTheIndexAndEachPlatformsImage() throws Exception {
    Path twoPlatforms =
        kiln.context().file("a.txt", "multi\n").dockerfile("FROM scratch\nCOPY a.txt /\n").root();
    BuildResult result =
        kiln.push(
            registry,
            twoPlatforms,
            "signed/multi:1",
            b ->
                b.platform("linux/amd64,linux/arm64")
                    .attest(AttestationSpec.sbom("true").orElseThrow())
                    .sign(new SignSpec(key, Optional.of(PASSWORD_ENV)))
                    .environment(environmentWithPassword()));
    Digest index = result.imageDigest().orElseThrow();
    ImageSignatures signatures = new ImageSignatures(client);
    assertEquals(
        index,
        signatures
            .verify(ref("signed/multi:1"), SigningKeys.verifier(pub))
            .get(0)
            .manifestDigest());
    List<Descriptor> listed = client.fetchManifest(ref("signed/multi:1")).index().manifests();
    List<Digest> platformImages = new java.util.ArrayList<>();
    for (Descriptor d : listed) {
      if (!d.annotations().containsKey("vnd.docker.reference.type")) {
        platformImages.add(d.digest());
      }
    }
    assertEquals(2, platformImages.size(), listed.toString());
    assertEquals(4, listed.size(), "each image has its attestation manifest: " + listed);
    for (Digest image : platformImages) {
      assertEquals(
          image,
          signatures
              .verify(ref("signed/multi").withDigest(image), SigningKeys.verifier(pub))
              .get(0)
              .manifestDigest());
    }
    List<VerifiedAttestation> attestations =
        new ImageAttestations(client)
            .verify(ref("signed/multi:1"), SigningKeys.verifier(pub), Optional.empty());
    assertEquals(
        Set.copyOf(platformImages),
        Set.copyOf(attestations.stream().map(VerifiedAttestation::image).toList()));
  }

  @Test
  void theStoredSignatureVerifiesWithTheJdkAndWithOpenssl() throws Exception {
    Digest digest = pushSigned(context, "signed/raw:1").imageDigest().orElseThrow();
    String sigTag = "signed/raw:sha256-" + digest.hex() + ".sig";
    JsonNode manifest =
        JSON.readTree(
            ProcessRunner.run(
                    List.of(
                        "skopeo",
                        "inspect",
                        "--raw",
                        "--tls-verify=false",
                        "docker://" + registry.reference(sigTag)))
                .requireSuccess()
                .stdout());
    assertEquals("application/vnd.oci.image.manifest.v1+json", manifest.path("mediaType").asText());
    assertEquals(1, manifest.path("layers").size());
    JsonNode layer = manifest.path("layers").get(0);
    assertEquals(
        "application/vnd.dev.cosign.simplesigning.v1+json", layer.path("mediaType").asText());
    byte[] payload = ImageInspector.of(registry).blob("signed/raw", layer.path("digest").asText());
    JsonNode claims = JSON.readTree(payload);
    assertEquals(
        digest.toString(),
        claims.path("critical").path("image").path("docker-manifest-digest").asText());
    assertEquals(
        registry.reference("signed/raw"),
        claims.path("critical").path("identity").path("docker-reference").asText());
    assertEquals("cosign container image signature", claims.path("critical").path("type").asText());
    String encoded = layer.path("annotations").path("dev.cosignproject.cosign/signature").asText();

    Signature jdk = Signature.getInstance("SHA256withECDSA");
    jdk.initVerify(publicKeyByBouncyCastle(pub));
    jdk.update(payload);
    assertTrue(jdk.verify(Base64.getDecoder().decode(encoded)), "the JDK verifies it");

    Path payloadFile = kiln.newDir("payload").resolve("payload.json");
    Files.write(payloadFile, payload);
    ProcessRunner.Result openssl =
        python("verify", pub.toString(), payloadFile.toString(), encoded);
    assertEquals(0, openssl.exitCode(), openssl.stderr());
    Files.write(payloadFile, "{\"critical\":{}}".getBytes(StandardCharsets.UTF_8));
    assertNotEquals(
        0,
        python("verify", pub.toString(), payloadFile.toString(), encoded).exitCode(),
        "the checker refuses a signature over other bytes");
  }

  @Test
  void kilnsEncryptedKeyOpensWithLibsodiumAndOpensslScrypt() throws Exception {
    assertTrue(Files.readString(key).startsWith("-----BEGIN ENCRYPTED COSIGN PRIVATE KEY-----\n"));
    assertEquals(
        Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(key));
    ProcessRunner.Result derived =
        python("public", key.toString(), passwordFile(PASSWORD).toString());
    assertEquals(0, derived.exitCode(), derived.stderr());
    assertEquals(
        publicKeyByBouncyCastle(pub),
        publicKeyByBouncyCastle(derived.stdout()),
        "the key libsodium decrypts is the private half of kiln.pub");
    ProcessRunner.Result wrong =
        python("public", key.toString(), passwordFile("not the password").toString());
    assertNotEquals(0, wrong.exitCode());
    assertTrue(wrong.stderr().contains("does not open"), wrong.stderr());
  }

  @Test
  void kilnSignsWithAKeyLibsodiumEncrypted() throws Exception {
    Path dir = kiln.newDir("pykey");
    Path pyKey = dir.resolve("py.key");
    Path pyPub = dir.resolve("py.pub");
    python("encrypt", pyKey.toString(), pyPub.toString(), passwordFile("py password").toString())
        .requireSuccess();
    kiln.push(registry, context, "pykey/app:1", b -> {});
    SignedImage signed =
        new ImageSignatures(client)
            .sign(
                ref("pykey/app:1"),
                SigningKeys.signer(pyKey, Optional.of("PW"), Map.of("PW", "py password")));
    assertEquals(
        1,
        new ImageSignatures(client).verify(ref("pykey/app:1"), SigningKeys.verifier(pyPub)).size());
    JsonNode layer =
        JSON.readTree(client.fetchManifest(signed.signatureTag()).manifest().raw().toByteArray())
            .path("layers")
            .get(0);
    Path payloadFile = dir.resolve("payload.json");
    Files.write(
        payloadFile, ImageInspector.of(registry).blob("pykey/app", layer.path("digest").asText()));
    python(
            "verify",
            pyPub.toString(),
            payloadFile.toString(),
            layer.path("annotations").path("dev.cosignproject.cosign/signature").asText())
        .requireSuccess();
  }

  @Test
  void anUnsignedImageIsRefused() throws Exception {
    kiln.push(registry, context, "unsigned/app:1", b -> {});
    BuildFailure f =
        assertThrows(
            BuildFailure.class,
            () ->
                new ImageSignatures(client)
                    .verify(ref("unsigned/app:1"), SigningKeys.verifier(pub)));
    assertEquals(BuildFailure.Kind.VERIFICATION, f.kind());
    assertTrue(f.getMessage().startsWith("no signature for "), f.getMessage());
  }

  @Test
  void aSignatureOfAnotherManifestDoesNotVouchForAChangedImage() throws Exception {
    Digest signed = pushSigned(context, "moved/app:1").imageDigest().orElseThrow();
    // The tag now points at a changed image, and someone put the old signature at its .sig tag.
    Digest changed =
        kiln.push(registry, otherContext, "moved/app:1", b -> {}).imageDigest().orElseThrow();
    assertNotEquals(signed, changed);
    ImageReference repo = ref("moved/app").repositoryOnly();
    var oldSignatures =
        client.fetchManifest(repo.withTag("sha256-" + signed.hex() + ".sig")).manifest();
    client.pushManifest(repo, oldSignatures, List.of("sha256-" + changed.hex() + ".sig"));

    BuildFailure f =
        assertThrows(
            BuildFailure.class,
            () ->
                new ImageSignatures(client).verify(ref("moved/app:1"), SigningKeys.verifier(pub)));
    assertEquals(BuildFailure.Kind.VERIFICATION, f.kind());
    assertTrue(
        f.detail().orElse("").contains("signs " + signed + ", another manifest"),
        f.detail().orElse(""));
    assertEquals(
        1,
        new ImageSignatures(client)
            .verify(ref("moved/app").withDigest(signed), SigningKeys.verifier(pub))
            .size(),
        "the image that was signed still verifies by digest");
  }

  @Test
  void anotherKeysSignatureIsNotTrusted() throws Exception {
    kiln.push(
        registry, context, "otherkey/app:1", b -> b.sign(new SignSpec(otherKey, Optional.empty())));
    BuildFailure f =
        assertThrows(
            BuildFailure.class,
            () ->
                new ImageSignatures(client)
                    .verify(ref("otherkey/app:1"), SigningKeys.verifier(pub)));
    assertEquals(BuildFailure.Kind.VERIFICATION, f.kind());
    assertTrue(f.detail().orElse("").contains("not signed by key " + pub), f.detail().orElse(""));
    assertEquals(
        1,
        new ImageSignatures(client)
            .verify(ref("otherkey/app:1"), SigningKeys.verifier(otherPub))
            .size());
  }

  @Test
  void signingAgainAddsASignatureAndTheRegistryHasNoReferrersApi() throws Exception {
    Digest digest = pushSigned(context, "twice/app:1").imageDigest().orElseThrow();
    SignedImage second =
        new ImageSignatures(client)
            .sign(ref("twice/app:1"), SigningKeys.signer(otherKey, Optional.empty(), Map.of()));
    assertEquals(ref("twice/app").repositoryOnly().withDigest(digest), second.image());
    // Debian 12's docker-registry 2.8 answers GET /v2/<name>/referrers/<digest> with 404.
    assertTrue(second.referrer().isEmpty(), "registry 2.8 has no referrers API");
    assertTrue(!client.supportsReferrers(ref("twice/app"), digest));
    JsonNode manifest =
        JSON.readTree(client.fetchManifest(second.signatureTag()).manifest().raw().toByteArray());
    assertEquals(2, manifest.path("layers").size(), manifest.toString());
    assertEquals(
        1,
        new ImageSignatures(client).verify(ref("twice/app:1"), SigningKeys.verifier(pub)).size());
    assertEquals(
        1,
        new ImageSignatures(client)
            .verify(ref("twice/app:1"), SigningKeys.verifier(otherPub))
            .size());
  }

  @Test
  void signingNeedsAPushAndTheKeysPasswordBeforeAnyStepRuns() {
    BuildFailure noPush =
        assertThrows(
            BuildFailure.class,
            () -> kiln.build(context, b -> b.sign(new SignSpec(key, Optional.of(PASSWORD_ENV)))));
    assertEquals(BuildFailure.Kind.USAGE, noPush.kind());
    assertTrue(noPush.getMessage().contains("--sign"), noPush.getMessage());
    BuildFailure noPassword =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.push(
                    registry,
                    context,
                    "nopassword/app:1",
                    b ->
                        b.sign(new SignSpec(key, Optional.of(PASSWORD_ENV)))
                            .environment(Map.of("PATH", System.getenv("PATH")))));
    assertEquals(BuildFailure.Kind.USAGE, noPassword.kind());
    assertTrue(
        noPassword.getMessage().contains("$" + PASSWORD_ENV + " is not set"),
        noPassword.getMessage());
    assertTrue(kiln.events().stream().noneMatch(e -> e instanceof BuildEvent.StepStarted));
  }

  private static PublicKey publicKeyByBouncyCastle(Path file) throws Exception {
    return publicKeyByBouncyCastle(Files.readString(file, StandardCharsets.US_ASCII));
  }

  private static PublicKey publicKeyByBouncyCastle(String pem) throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      return new JcaPEMKeyConverter().getPublicKey((SubjectPublicKeyInfo) parser.readObject());
    }
  }
}
