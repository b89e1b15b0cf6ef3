package dev.kiln.gradle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.Entitlement;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.RegistryLogin;
import dev.kiln.api.request.RequestException;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.gradle.engine.JobRequests;
import dev.kiln.registry.model.Compression;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The two sides of the job contract together: what the plugin side writes from a {@code kiln { }}
 * block, the engine side reads into the {@link BuildRequest} kiln builds.
 */
class JobContractTest {
  @TempDir Path project;

  private final KilnExtension extension = new KilnExtension();
  private final Map<String, Object> properties = new HashMap<>();
  private final Map<String, String> environment = new HashMap<>();
  private final List<String> log = new ArrayList<>();

  private Map<String, String> job(String output) throws Exception {
    Files.writeString(project.resolve("Dockerfile"), "FROM scratch\n");
    KilnSettings settings =
        new KilnSettings(
            extension,
            properties,
            environment,
            path -> project.resolve(path.toString()).toFile(),
            project.resolve("build").toFile(),
            "app:1.0");
    return settings.buildJob(output);
  }

  @Test
  void everySettingReachesTheBuildRequest() throws Exception {
    extension.setImage("registry.example.com/team/app:1.0");
    extension.setTags(List.of("latest", "mirror.example.com/app:1.0"));
    extension.buildArg("JAR", "build/libs/app.jar");
    extension.setTarget("runtime");
    extension.setPlatforms(List.of("linux/arm64"));
    extension.label("org.opencontainers.image.version", "1.0");
    extension.setAnnotations(Map.of("org.example.note", "hi"));
    extension.setCacheFrom(List.of("type=local,src=/tmp/cache"));
    extension.setCacheTo(List.of("type=local,dest=/tmp/cache"));
    extension.secret("id=token,env=TOKEN");
    extension.setAllow(List.of("security.insecure"));
    extension.setInsecureRegistries(List.of("registry.example.com"));
    extension.setPlainHttpCredentialHosts(List.of("registry.example.com"));
    extension.setSourceDateEpoch("2024-01-01T00:00:00Z");
    extension.setOutputs(List.of("type=local,dest=build/rootfs"));
    extension.auth("registry.example.com", "me", "secret");
    extension.setSsh(List.of("default"));
    extension.setNetwork("none");
    extension.setNoCacheFilter(List.of("build"));
    extension.setIsolation("chroot");
    extension.setCompression("zstd");
    extension.setCompressionLevel(19);
    extension.setSbom(true);
    extension.setProvenance("mode=max");
    extension.setSigningKey("keys/ci.key");
    extension.setSigningKeyPasswordEnv("CI_KEY_PASSWORD");

    BuildRequest request = JobRequests.of(job("image"), environment, log);

    assertEquals(project.resolve("."), request.context());
    assertEquals(Optional.of(project.resolve("Dockerfile")), request.dockerfile());
    assertEquals(
        List.of(
            "registry.example.com/team/app:1.0",
            "registry.example.com/team/app:latest",
            "mirror.example.com/app:1.0"),
        request.tags());
    assertEquals(Map.of("JAR", "build/libs/app.jar"), request.buildArgs());
    assertEquals(Optional.of("runtime"), request.target());
    assertEquals(List.of("linux/arm64"), request.platforms());
    assertEquals(Map.of("org.opencontainers.image.version", "1.0"), request.labels());
    assertEquals(Map.of("org.example.note", "hi"), request.annotations());
    assertEquals(1, request.cacheFrom().size());
    assertEquals(1, request.cacheTo().size());
    assertEquals(
        List.of(new SecretSpec("token", Optional.empty(), Optional.of("TOKEN"))),
        request.secrets());
    assertTrue(request.allows(Entitlement.SECURITY_INSECURE));
    assertEquals(java.util.Set.of("registry.example.com"), request.insecureRegistries());
    assertEquals(java.util.Set.of("registry.example.com"), request.plainHttpCredentialHosts());
    assertEquals(Optional.of(1704067200L), request.sourceDateEpoch());
    assertTrue(
        log.contains("lifecycle kiln: SOURCE_DATE_EPOCH=1704067200 (from kiln.sourceDateEpoch)"),
        log.toString());
    assertEquals(2, request.outputs().size());
    assertEquals(OutputSpec.Type.IMAGE, request.outputs().get(0).type());
    assertEquals(
        Map.of(
            "registry.example.com", new RegistryLogin("me", "secret", "the kiln { auth } block")),
        request.registryLogins());
    assertEquals(1, request.ssh().size());
    assertEquals("none", request.network());
    assertEquals(java.util.Set.of("build"), request.noCacheFilter());
    assertEquals("chroot", request.isolation());
    assertEquals(Compression.ZSTD, request.outputs().get(0).compression());
    assertEquals(Optional.of(19), request.outputs().get(0).compressionLevel());
    assertTrue(request.attestation(dev.kiln.api.request.AttestationSpec.Type.SBOM).isPresent());
    assertEquals(
        dev.kiln.api.request.AttestationSpec.ProvenanceMode.MAX,
        request
            .attestation(dev.kiln.api.request.AttestationSpec.Type.PROVENANCE)
            .orElseThrow()
            .mode());
    assertEquals(
        Optional.of(
            new dev.kiln.api.request.SignSpec(
                project.resolve("keys/ci.key"), Optional.of("CI_KEY_PASSWORD"))),
        request.sign());
  }

  @Test
  void theCliOptionsTheMavenPluginHasReachTheBuildRequestToo() throws Exception {
    extension.setImage("registry.example.com/team/app:1.0");
    extension.setPlatforms(List.of("linux/amd64", "linux/arm64"));
    extension.setAddHosts(List.of("db.local:10.0.0.5", "gw:host-gateway"));
    extension.setUlimits(List.of("nofile=1024:2048"));
    extension.setShmSize("128m");
    extension.setPull("missing");
    extension.setCompression("zstd");
    extension.setForceCompression(true);
    extension.setStore(true);
    extension.setMaxParallelism(2);
    extension.setBuildContexts(List.of("libs=build/dependency", "base=docker-image://alpine:3.20"));
    properties.put("kiln.buildContext.layout", "oci-layout://build/base:1");
    extension.typedAnnotation("index:org.example.scope=index");
    extension.typedAnnotation("manifest[linux/arm64]:org.example.arch=arm64");
    extension.typedAnnotation("org.example.plain=every manifest");

    BuildRequest request = JobRequests.of(job("image"), environment, log);

    assertEquals(
        List.of(
            new dev.kiln.api.request.HostMapping("db.local", "10.0.0.5"),
            new dev.kiln.api.request.HostMapping("gw", "127.0.0.1")),
        request.extraHosts());
    assertEquals(List.of(new dev.kiln.api.request.Ulimit("nofile", 1024, 2048)), request.ulimits());
    assertEquals(128L << 20, request.shmSize());
    assertEquals(dev.kiln.api.request.PullPolicy.MISSING, request.pull());
    assertEquals(2, request.maxParallelism());
    OutputSpec pushed = request.outputs().get(0);
    assertEquals(Compression.ZSTD, pushed.compression());
    assertTrue(pushed.forceCompression());
    assertTrue(pushed.push() && pushed.store(), "pushed and named in the store");
    assertEquals(
        Map.of(
            "libs",
            new NamedContext.Directory("libs", project.resolve("build/dependency")),
            "base",
            new NamedContext.Image("base", "alpine:3.20"),
            "layout",
            new NamedContext.OciLayout("layout", project.resolve("build/base"), ":1")),
        request.buildContexts());
    assertEquals(Map.of("org.example.plain", "every manifest"), request.annotations());
    assertEquals(
        List.of("index:org.example.scope=index", "manifest[linux/arm64]:org.example.arch=arm64"),
        request.scopedAnnotations().stream().map(a -> a.describe() + "=" + a.value()).toList());

    extension.setForceCompression(false);
    extension.setStore(false);
    OutputSpec plain = JobRequests.of(job("image"), environment, log).outputs().get(0);
    assertFalse(plain.forceCompression() || plain.store(), "neither unless asked, as the CLI");
  }

  @Test
  void badValuesOfTheNewSettingsFailWithTheClisMessages() throws Exception {
    extension.setImage("registry.example.com/team/app:1.0");
    Map<String, String> cli =
        Map.of(
            "typedAnnotations",
            "--annotation 'bogus:org.example.a=1': unknown annotation type 'bogus'",
            "ulimits",
            "--ulimit nofile=lots",
            "shmSize",
            "--shm-size lots: not a size",
            "addHosts",
            "--add-host db.local",
            "pull",
            "unknown --pull value \"sometimes\"",
            "maxParallelism",
            "--max-parallelism must be at least 1, not 0");
    for (Map.Entry<String, String> bad : cli.entrySet()) {
      KilnExtension fresh = new KilnExtension();
      fresh.setImage("registry.example.com/team/app:1.0");
      switch (bad.getKey()) {
        case "typedAnnotations" -> fresh.typedAnnotation("bogus:org.example.a=1");
        case "ulimits" -> fresh.setUlimits(List.of("nofile=lots"));
        case "shmSize" -> fresh.setShmSize("lots");
        case "addHosts" -> fresh.setAddHosts(List.of("db.local"));
        case "maxParallelism" -> fresh.setMaxParallelism(0);
        default -> fresh.setPull("sometimes");
      }
      Files.writeString(project.resolve("Dockerfile"), "FROM scratch\n");
      Map<String, String> job =
          new KilnSettings(
                  fresh,
                  properties,
                  environment,
                  path -> project.resolve(path.toString()).toFile(),
                  project.resolve("build").toFile(),
                  "app:1.0")
              .buildJob("image");
      RequestException e =
          assertThrows(
              RequestException.class, () -> JobRequests.of(job, environment, log), bad.getKey());
      assertTrue(e.getMessage().startsWith(bad.getValue()), bad.getKey() + ": " + e.getMessage());
    }
  }

  @Test
  void withoutThemABuildHasNoAttestationsAndSignsNothing() throws Exception {
    extension.setImage("registry.example.com/team/app:1.0");
    BuildRequest request = JobRequests.of(job("image"), environment, log);
    assertTrue(request.attestations().isEmpty());
    assertTrue(request.sign().isEmpty());
  }

  @Test
  void anInsecureRegistryMayReceiveCredentialsOverPlainHttpAsWithTheCli() throws Exception {
    extension.setInsecureRegistries(List.of("registry.internal:5000"));
    properties.put("kiln.plainHttpCredentialHosts", "auth.internal:8080");

    assertEquals(
        java.util.Set.of("registry.internal:5000", "auth.internal:8080"),
        JobRequests.of(job("tar"), environment, log).plainHttpCredentialHosts());
  }

  @Test
  void anUnknownCompressionSaysWhichKilnWrites() throws Exception {
    properties.put("kiln.compression", "lz4");
    RequestException e =
        assertThrows(RequestException.class, () -> JobRequests.of(job("tar"), environment, log));
    assertEquals("kiln { compression } 'lz4' is not a compression kiln writes", e.getMessage());
    assertEquals("use gzip, zstd or uncompressed", e.hint());
  }

  @Test
  void tarAndLayoutTasksWriteTheirFiles() throws Exception {
    OutputSpec tar = JobRequests.of(job("tar"), environment, log).outputs().get(0);
    assertEquals(OutputSpec.Type.OCI, tar.type());
    assertEquals(Optional.of(project.resolve("build/kiln-image.tar")), tar.dest());

    extension.setFormat("docker");
    assertEquals(
        OutputSpec.Type.DOCKER,
        JobRequests.of(job("tar"), environment, log).outputs().get(0).type());

    OutputSpec layout = JobRequests.of(job("layout"), environment, log).outputs().get(0);
    assertEquals(OutputSpec.Type.OCI_LAYOUT, layout.type());
    assertEquals(Optional.of(project.resolve("build/kiln-image")), layout.dest());
    assertEquals(List.of("app:1.0"), JobRequests.of(job("layout"), environment, log).tags());

    extension.setFormat("docker");
    OutputSpec dockerLayout = JobRequests.of(job("layout"), environment, log).outputs().get(0);
    assertEquals(OutputSpec.Type.OCI_LAYOUT, dockerLayout.type());
    assertFalse(dockerLayout.ociMediaTypes());
    extension.setImage("registry.example.com/app:1.0");
    assertFalse(JobRequests.of(job("image"), environment, log).outputs().get(0).ociMediaTypes());
    extension.setFormat("oci");
    assertTrue(JobRequests.of(job("image"), environment, log).outputs().get(0).ociMediaTypes());

    extension.setFormat("zip");
    RequestException e =
        assertThrows(RequestException.class, () -> JobRequests.of(job("tar"), environment, log));
    assertTrue(e.getMessage().contains("kiln { format } 'zip'"), e.getMessage());
  }

  @Test
  void kilnCheckOnlyChecksAsTheClisCheckFlag() throws Exception {
    BuildRequest check = JobRequests.of(job("check"), environment, log);
    assertTrue(check.checkOnly());
    assertEquals(OutputSpec.Type.IMAGE, check.outputs().get(0).type());
    assertFalse(check.outputs().get(0).push(), "a check pushes nothing, even without an image");
    assertFalse(JobRequests.of(job("tar"), environment, log).checkOnly());
  }

  @Test
  void kilnBuildWithoutAnImageSaysHowToNameOne() throws Exception {
    RequestException e =
        assertThrows(RequestException.class, () -> JobRequests.of(job("image"), environment, log));
    assertEquals("kilnBuild needs an image to push to", e.getMessage());
    assertTrue(e.hint().contains("-Pkiln.image="), e.hint());
  }

  @Test
  void aBadEpochNamesWhereItCameFrom() throws Exception {
    environment.put("SOURCE_DATE_EPOCH", "yesterday");
    RequestException e =
        assertThrows(RequestException.class, () -> JobRequests.of(job("tar"), environment, log));
    assertTrue(
        e.getMessage().startsWith("SOURCE_DATE_EPOCH: 'yesterday' is neither"), e.getMessage());
  }

  @Test
  void credentialsForTheImagesRegistryGoToItsHostUnlessTheHostHasItsOwn() throws Exception {
    environment.put("KILN_AUTH_USERNAME", "ci");
    environment.put("KILN_AUTH_PASSWORD", "token");
    extension.setImage("localhost:5000/app:1");
    Map<String, String> job = job("image");
    assertEquals(
        Map.of(
            "localhost:5000",
            new RegistryLogin("ci", "token", "KILN_AUTH_USERNAME/KILN_AUTH_PASSWORD")),
        JobRequests.logins(job, "localhost:5000/app:1"));
    assertEquals(
        Map.of(
            "docker.io", new RegistryLogin("ci", "token", "KILN_AUTH_USERNAME/KILN_AUTH_PASSWORD")),
        JobRequests.logins(job, "app:1"));

    properties.put("kiln.auth.localhost:5000.username", "own");
    properties.put("kiln.auth.localhost:5000.password", "own-password");
    assertEquals(
        Map.of(
            "localhost:5000",
            new RegistryLogin(
                "own",
                "own-password",
                "Gradle properties kiln.auth.localhost:5000.username/password")),
        JobRequests.logins(job("image"), "localhost:5000/app:1"));
  }

  @Test
  void aCredentialHelperInTheBlockReachesTheRequestUnlessPropertiesNameTheHost() throws Exception {
    extension.setImage("localhost:5000/app:1");
    extension.credHelper("ghcr.io", "gcr");
    extension.credHelper("localhost:5000", "pass");
    properties.put("kiln.auth.localhost:5000.username", "own");
    properties.put("kiln.auth.localhost:5000.password", "own-password");
    assertEquals(
        Map.of(
            "ghcr.io",
            RegistryLogin.credentialHelper("gcr", "the kiln { credHelper } block"),
            "localhost:5000",
            new RegistryLogin(
                "own",
                "own-password",
                "Gradle properties kiln.auth.localhost:5000.username/password")),
        JobRequests.logins(job("image"), "localhost:5000/app:1"));
  }

  @Test
  void theDockerfileMustExist() throws Exception {
    extension.setDockerfile(new File("nowhere/Dockerfile"));
    RequestException e =
        assertThrows(RequestException.class, () -> JobRequests.of(job("tar"), environment, log));
    assertTrue(e.getMessage().startsWith("no Dockerfile at "), e.getMessage());
  }
}
