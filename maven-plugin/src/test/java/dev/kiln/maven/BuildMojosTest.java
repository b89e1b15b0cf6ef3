package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.ImageBuilder;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.StepRef;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.BuildRequestCheck;
import dev.kiln.api.request.Entitlement;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.RegistryLogin;
import dev.kiln.api.request.RequestException;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.api.request.SignSpec;
import dev.kiln.registry.model.Compression;
import dev.kiln.registry.model.Digest;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.maven.execution.DefaultMavenExecutionRequest;
import org.apache.maven.execution.DefaultMavenExecutionResult;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.model.Build;
import org.apache.maven.model.Model;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.project.MavenProject;
import org.apache.maven.project.MavenProjectHelper;
import org.apache.maven.settings.Proxy;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build goals without the engine: what they ask it for, and what they do with its answer. */
class BuildMojosTest {
  private static final Digest DIGEST = Digest.sha256("image".getBytes(StandardCharsets.UTF_8));

  @TempDir Path temp;
  private final DefaultMavenExecutionRequest execution = new DefaultMavenExecutionRequest();
  private final RecordingBuilder engine = new RecordingBuilder();
  private final RecordingLog log = new RecordingLog(false);
  private MavenProject project;

  @BeforeEach
  void project() throws Exception {
    Files.writeString(temp.resolve("Dockerfile"), "FROM scratch\n");
    Model model = new Model();
    model.setGroupId("dev.kiln.sample");
    model.setArtifactId("Java-App");
    model.setVersion("1.0+build.7");
    Build build = new Build();
    build.setDirectory(temp.resolve("target").toString());
    model.setBuild(build);
    project = new MavenProject(model);
    project.setFile(temp.resolve("pom.xml").toFile());
  }

  @Test
  void theRequestCarriesEveryParameter() throws Exception {
    BuildTarMojo mojo = tarMojo();
    mojo.buildArgs = new java.util.HashMap<>(Map.of("VERSION", "1.0"));
    mojo.buildArgs.put("KILN_TEST_SURELY_UNSET_VARIABLE", null);
    execution.getUserProperties().setProperty("kiln.buildArg.EXTRA", "from-cli");
    execution.getUserProperties().setProperty("kiln.label.team", "build");
    mojo.labels = Map.of("org.opencontainers.image.version", "1.0");
    mojo.annotations = Map.of("org.opencontainers.image.source", "https://example.com/app");
    mojo.target = "runtime";
    mojo.platforms = List.of("linux/arm64");
    mojo.cacheDir = temp.resolve("cache").toFile();
    mojo.noCache = true;
    mojo.insecureRegistries = List.of("registry.internal:5000");
    mojo.plainHttpCredentialHosts = List.of("registry.internal:5000");
    mojo.cacheFrom = List.of("type=local,src=" + temp.resolve("cache-in"));
    mojo.tags = List.of("latest");
    mojo.allow = List.of("network.host", "security.insecure");

    BuildRequest request = mojo.request();

    assertEquals(temp, request.context());
    assertEquals(Optional.of(temp.resolve("Dockerfile")), request.dockerfile());
    assertEquals(Map.of("VERSION", "1.0", "EXTRA", "from-cli"), request.buildArgs());
    assertEquals(
        Map.of("org.opencontainers.image.version", "1.0", "team", "build"), request.labels());
    assertEquals(
        Map.of("org.opencontainers.image.source", "https://example.com/app"),
        request.annotations());
    assertEquals(Optional.of("runtime"), request.target());
    assertEquals(List.of("linux/arm64"), request.platforms());
    assertEquals(Optional.of(temp.resolve("cache")), request.cacheDir());
    assertTrue(request.noCache());
    assertTrue(request.insecureRegistries().contains("registry.internal:5000"));
    assertEquals(Set.of("registry.internal:5000"), request.plainHttpCredentialHosts());
    assertEquals(1, request.cacheFrom().size());
    assertEquals(
        Set.of(Entitlement.NETWORK_HOST, Entitlement.SECURITY_INSECURE), request.allowed());
    // No image given: artifactId:version, made a valid reference.
    assertEquals(
        List.of("java-app:1.0_build.7", "docker.io/library/java-app:latest"), request.tags());
    OutputSpec output = request.outputs().get(0);
    assertEquals(OutputSpec.Type.OCI, output.type());
    assertEquals(Optional.of(temp.resolve("target/kiln-image.tar")), output.dest());
  }

  @Test
  void secretsSshNetworkCacheFilterIsolationAndCompressionReachTheRequest() throws Exception {
    BuildTarMojo mojo = tarMojo();
    mojo.secrets = List.of("id=npmrc,src=/home/me/.npmrc");
    execution.getUserProperties().setProperty("kiln.secret.token", "env=TOKEN");
    mojo.ssh = List.of("default");
    mojo.network = "host";
    mojo.addHosts = List.of("db.local:10.0.0.5", "gw:host-gateway");
    mojo.ulimits = List.of("nofile=1024:2048");
    mojo.shmSize = "128m";
    mojo.noCacheFilter = List.of("base");
    mojo.isolation = "chroot";
    mojo.compression = "zstd";
    mojo.compressionLevel = 3;

    BuildRequest request = mojo.request();

    assertEquals(
        List.of(
            new SecretSpec("npmrc", Optional.of(Path.of("/home/me/.npmrc")), Optional.empty()),
            new SecretSpec("token", Optional.empty(), Optional.of("TOKEN"))),
        request.secrets());
    assertEquals(1, request.ssh().size());
    assertEquals("host", request.network());
    assertEquals(
        List.of(
            new dev.kiln.api.request.HostMapping("db.local", "10.0.0.5"),
            new dev.kiln.api.request.HostMapping("gw", "127.0.0.1")),
        request.extraHosts());
    assertEquals(List.of(new dev.kiln.api.request.Ulimit("nofile", 1024, 2048)), request.ulimits());
    assertEquals(128L << 20, request.shmSize());
    assertTrue(request.allows(Entitlement.NETWORK_HOST), "--network=host grants network.host");
    assertEquals(Set.of("base"), request.noCacheFilter());
    assertEquals("chroot", request.isolation());
    assertEquals(Compression.ZSTD, request.outputs().get(0).compression());
    assertEquals(Optional.of(3), request.outputs().get(0).compressionLevel());

    mojo.compression = "lz4";
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(e.getMessage().startsWith("<compression> 'lz4'"), e.getMessage());
    assertTrue(e.getMessage().contains("hint: use gzip, zstd or uncompressed"), e.getMessage());
  }

  @Test
  void forceCompressionStoreOutputsAndBuildContextsBecomeTheCliFlagsRequest() throws Exception {
    BuildMojo mojo = configure(new BuildMojo());
    mojo.image = "127.0.0.1:5000/app:1";
    OutputSpec plain = mojo.request().outputs().get(0);
    assertTrue(plain.push());
    assertFalse(plain.forceCompression(), "base layers keep their compression unless asked");
    assertFalse(plain.store(), "a push is not kept in the store unless asked, as with --push");

    mojo.compression = "zstd";
    mojo.forceCompression = true;
    mojo.store = true;
    mojo.outputs = List.of("type=local,dest=" + temp.resolve("rootfs"));
    execution.getUserProperties().setProperty("kiln.output", "type=oci,dest=" + temp.resolve("o"));
    mojo.buildContexts = List.of("libs=target/dependency", "base=docker-image://alpine:3.20");
    execution.getUserProperties().setProperty("kiln.buildContext.conf", "/etc/app");
    BuildRequest request = mojo.request();

    OutputSpec pushed = request.outputs().get(0);
    assertEquals(Compression.ZSTD, pushed.compression());
    assertTrue(pushed.forceCompression());
    assertTrue(pushed.push() && pushed.store(), "pushed and named in the store");
    assertEquals(
        List.of(OutputSpec.Type.IMAGE, OutputSpec.Type.LOCAL, OutputSpec.Type.OCI),
        request.outputs().stream().map(OutputSpec::type).toList());
    assertEquals(
        Map.of(
            "libs",
            new NamedContext.Directory("libs", temp.resolve("target/dependency")),
            "base",
            new NamedContext.Image("base", "alpine:3.20"),
            "conf",
            new NamedContext.Directory("conf", Path.of("/etc/app"))),
        request.buildContexts());

    BuildTarMojo tar = tarMojo();
    tar.forceCompression = true;
    assertTrue(tar.request().outputs().get(0).forceCompression());

    mojo.outputs = List.of("type=image,compression=lz4");
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(e.getMessage().contains("lz4"), e.getMessage());
  }

  @Test
  void typedAnnotationsAreTheClisAnnotationFlagsWithItsChecksAndMessages() throws Exception {
    BuildMojo mojo = configure(new BuildMojo());
    mojo.image = "127.0.0.1:5000/app:1";
    mojo.platforms = List.of("linux/amd64", "linux/arm64");
    mojo.typedAnnotations =
        List.of(
            "index:org.example.scope=index",
            "manifest[linux/arm64]:org.example.arch=arm64",
            "manifest-descriptor,index-descriptor:org.example.both=yes",
            "org.example.plain=every manifest");

    BuildRequest request = mojo.request();

    assertEquals(Map.of("org.example.plain", "every manifest"), request.annotations());
    assertEquals(
        List.of(
            "index:org.example.scope=index",
            "manifest[linux/arm64]:org.example.arch=arm64",
            "manifest-descriptor:org.example.both=yes",
            "index-descriptor:org.example.both=yes"),
        request.scopedAnnotations().stream().map(a -> a.describe() + "=" + a.value()).toList());

    mojo.typedAnnotations = List.of("bogus:org.example.a=1");
    MojoFailureException unknown = assertThrows(MojoFailureException.class, mojo::request);
    assertEquals(
        "--annotation 'bogus:org.example.a=1': unknown annotation type 'bogus'\n"
            + "hint: use manifest, index, manifest-descriptor or index-descriptor",
        unknown.getMessage());

    // One platform and no attestation: no index for an index annotation. The engine refuses it
    // before building (BuildRequestCheck), with the CLI's message, which the goal reports.
    mojo.platforms = List.of("linux/amd64");
    mojo.typedAnnotations = List.of("index:org.example.scope=index");
    BuildRequest single = mojo.request();
    RequestException noIndex =
        assertThrows(
            RequestException.class, () -> BuildRequestCheck.check(single, temp.resolve("store")));
    assertTrue(
        FailureReport.of(noIndex)
            .getMessage()
            .startsWith(
                "--annotation index:org.example.scope has no place in any output: this build"
                    + " makes a single image, with no index\nhint: build several --platform"),
        FailureReport.of(noIndex).getMessage());
  }

  @Test
  void anInsecureRegistryMayReceiveCredentialsOverPlainHttpAsWithTheCli() throws Exception {
    BuildTarMojo mojo = tarMojo();
    mojo.insecureRegistries = List.of("registry.internal:5000");
    mojo.plainHttpCredentialHosts = List.of("auth.internal:8080");

    assertEquals(
        Set.of("registry.internal:5000", "auth.internal:8080"),
        mojo.request().plainHttpCredentialHosts());
  }

  @Test
  void dockerFormatWritesADockerArchiveWithDockerMediaTypes() throws Exception {
    BuildTarMojo mojo = tarMojo();
    mojo.format = "Docker";
    OutputSpec output = mojo.request().outputs().get(0);
    assertEquals(OutputSpec.Type.DOCKER, output.type());
    assertFalse(output.ociMediaTypes());

    mojo.format = "zip";
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(e.getMessage().contains("'zip'") && e.getMessage().contains("hint:"));
  }

  @Test
  void formatDockerGivesEveryGoalDockerMediaTypesAndMaxParallelismReachesTheRequest()
      throws Exception {
    BuildMojo build = configure(new BuildMojo());
    build.image = "127.0.0.1:5000/app:1";
    assertTrue(build.request().outputs().get(0).ociMediaTypes(), "OCI unless asked");
    build.format = "docker";
    build.maxParallelism = 1;
    BuildRequest request = build.request();
    assertFalse(request.outputs().get(0).ociMediaTypes());
    assertEquals(1, request.maxParallelism());

    BuildLayoutMojo layout = configure(new BuildLayoutMojo());
    layout.outputDirectory = temp.resolve("target/kiln-image").toFile();
    layout.format = "docker";
    OutputSpec written = layout.request().outputs().get(0);
    assertEquals(OutputSpec.Type.OCI_LAYOUT, written.type());
    assertFalse(written.ociMediaTypes());

    build.maxParallelism = 0;
    MojoFailureException e = assertThrows(MojoFailureException.class, build::request);
    assertTrue(e.getMessage().startsWith("--max-parallelism must be at least 1"), e.getMessage());
  }

  @Test
  void checkRunsOnlyTheBuildChecksAndFailsOnAWarningAsTheCliDoes() throws Exception {
    CheckMojo mojo = configure(new CheckMojo());
    assertTrue(mojo.request().checkOnly(), "as kiln build --check");
    assertFalse(tarMojo().request().checkOnly(), "the build goals build");

    mojo.execute();
    assertTrue(log.at("INFO").contains("Check complete, no warnings found."), log.lines.toString());

    for (int i = 1; i <= 2; i++) {
      engine.events.add(
          new BuildEvent.Warning(
              Instant.now(),
              "FromAsCasing: 'as' and 'FROM' keywords' casing do not match",
              Optional.of("Dockerfile:" + i)));
    }
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertEquals(
        "Check complete, 2 warnings found.\nhint: fix them, or skip a rule with a"
            + " '# check=skip=RULE' line at the Dockerfile's top",
        e.getMessage());
    assertTrue(
        log.at("WARN").stream().anyMatch(l -> l.contains("FromAsCasing")), log.lines.toString());
  }

  @Test
  void sourceDateEpochComesFromOutputTimestampUnlessSetItself() throws Exception {
    BuildTarMojo mojo = tarMojo();
    mojo.outputTimestamp = "2024-01-01T00:00:00Z";
    assertEquals(Optional.of(1704067200L), mojo.request().sourceDateEpoch());
    assertTrue(
        log.at("INFO")
            .contains("kiln: SOURCE_DATE_EPOCH=1704067200 (from project.build.outputTimestamp)"),
        log.lines.toString());

    mojo.sourceDateEpoch = "86400";
    assertEquals(Optional.of(86400L), mojo.request().sourceDateEpoch());

    mojo.sourceDateEpoch = null;
    mojo.outputTimestamp = "yesterday";
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(e.getMessage().startsWith("project.build.outputTimestamp: 'yesterday'"));
  }

  @Test
  void theImageIsConfiguredAndDashDImageOverridesIt() throws Exception {
    BuildMojo mojo = configure(new BuildMojo());
    MojoFailureException none = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(none.getMessage().contains("-Dimage="), none.getMessage());

    mojo.image = "127.0.0.1:5000/configured:1";
    BuildRequest request = mojo.request();
    assertEquals(List.of("127.0.0.1:5000/configured:1"), request.tags());
    assertTrue(request.outputs().get(0).push());

    execution.getUserProperties().setProperty("kiln.image", "127.0.0.1:5000/kiln-image:2");
    assertEquals(List.of("127.0.0.1:5000/kiln-image:2"), mojo.request().tags());
    execution.getUserProperties().setProperty("image", "127.0.0.1:5000/image:3");
    assertEquals(List.of("127.0.0.1:5000/image:3"), mojo.request().tags());
  }

  @Test
  void registryServersFromSettingsAreLogins() throws Exception {
    Server server = new Server();
    server.setId("127.0.0.1:5000");
    server.setUsername("kiln");
    server.setPassword("{encrypted}");
    execution.addServer(server);
    BuildTarMojo mojo = tarMojo();
    mojo.settingsDecrypter =
        request -> {
          Server decrypted = request.getServers().get(0).clone();
          decrypted.setPassword("decrypted");
          return new Decrypted(List.of(decrypted));
        };

    assertEquals(
        Map.of(
            "127.0.0.1:5000",
            new RegistryLogin("kiln", "decrypted", "settings.xml server 127.0.0.1:5000")),
        mojo.request().registryLogins());
  }

  @Test
  void thePomsAuthBlockWinsOverSettingsAndLosesToTheCommandLine() throws Exception {
    Server server = new Server();
    server.setId("127.0.0.1:5000");
    server.setUsername("from-settings");
    server.setPassword("pw");
    execution.addServer(server);
    BuildTarMojo mojo = tarMojo();
    mojo.auth =
        List.of(
            auth("127.0.0.1:5000", "from-pom", "pom-pw", null), auth("ghcr.io", null, null, "gcr"));

    assertEquals(
        Map.of(
            "127.0.0.1:5000",
            new RegistryLogin("from-pom", "pom-pw", "<auth> for 127.0.0.1:5000 in the pom"),
            "ghcr.io",
            RegistryLogin.credentialHelper("gcr", "<auth> for ghcr.io in the pom")),
        mojo.request().registryLogins());

    execution.getUserProperties().setProperty("kiln.auth.ghcr.io.username", "ci");
    execution.getUserProperties().setProperty("kiln.auth.ghcr.io.password", "token");
    assertEquals(
        new RegistryLogin("ci", "token", "-Dkiln.auth.ghcr.io.username/password"),
        mojo.request().registryLogins().get("ghcr.io"));
  }

  @Test
  void anAuthEntryKilnCannotUseFailsNamingIt() {
    BuildTarMojo mojo = tarMojo();
    mojo.auth = List.of(auth("ghcr.io", "me", "${env.GHCR_TOKEN}", null));
    MojoFailureException unresolved = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(
        unresolved.getMessage().contains("<auth> for ghcr.io in the pom uses an expression"),
        unresolved.getMessage());

    mojo.auth = List.of(auth("ghcr.io", "me", "pw", "gcr"));
    MojoFailureException both = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(both.getMessage().contains("both <credHelper> and"), both.getMessage());

    mojo.auth = List.of(auth(null, "me", "pw", null));
    MojoFailureException noHost = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(noHost.getMessage().contains("has no <host>"), noHost.getMessage());
  }

  private static RegistryAuth auth(
      String host, String username, String password, String credHelper) {
    RegistryAuth auth = new RegistryAuth();
    auth.host = host;
    auth.username = username;
    auth.password = password;
    auth.credHelper = credHelper;
    return auth;
  }

  @Test
  void aFinishedBuildPublishesItsDigestAndAttachesTheTar() throws Exception {
    BuildTarMojo mojo = tarMojo();
    mojo.attach = true;
    mojo.classifier = "oci";
    mojo.type = "tar";
    RecordingHelper helper = new RecordingHelper();
    mojo.projectHelper = helper;
    mojo.metadataFile = temp.resolve("target/kiln-image.json").toFile();

    mojo.execute();

    assertEquals(DIGEST.toString(), project.getProperties().getProperty("kiln.image.digest"));
    assertEquals(
        DIGEST.toString(), Files.readString(temp.resolve("target/kiln-image.digest")).trim());
    assertEquals(
        List.of("tar oci " + temp.resolve("target/kiln-image.tar").toFile()), helper.attached);
    assertTrue(
        Files.readString(temp.resolve("target/kiln-image.json"))
            .contains("\"containerimage.digest\" : \"" + DIGEST + "\""));
    assertTrue(
        log.at("INFO").contains("#1 [1/1] COPY app.jar /app.jar DONE 0.0s"), log.lines.toString());
  }

  @Test
  void aMissingDockerfileSaysWhereItWasLookedFor() {
    BuildTarMojo mojo = tarMojo();
    mojo.dockerfile = temp.resolve("docker/Dockerfile").toFile();
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(
        e.getMessage().startsWith("no Dockerfile at " + temp.resolve("docker/Dockerfile")),
        e.getMessage());
    assertTrue(engine.requests.isEmpty());
  }

  @Test
  void skipBuildsNothing() throws Exception {
    BuildTarMojo mojo = tarMojo();
    mojo.skip = true;
    mojo.execute();
    assertEquals(0, engine.requests.size());
    assertNull(project.getProperties().getProperty("kiln.image.digest"));
    assertEquals(List.of("kiln: skipped (kiln.skip=true)"), log.at("INFO"));
  }

  @Test
  void aDockerfileErrorFailsTheBuildWithItsLocationDetailAndHint() {
    BuildTarMojo mojo = tarMojo();
    engine.failure =
        new BuildFailure(
            BuildFailure.Kind.USAGE,
            "Dockerfile:3:1: unknown instruction FORM",
            "   3 | FORM busybox\n     | ^",
            "did you mean FROM?",
            null);
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertEquals(
        "Dockerfile:3:1: unknown instruction FORM\n"
            + "   3 | FORM busybox\n"
            + "     | ^\n"
            + "hint: did you mean FROM?",
        e.getMessage());
  }

  @Test
  void supplyChainParametersBecomeTheCliFlagsRequest() throws Exception {
    BuildMojo mojo = configure(new BuildMojo());
    mojo.image = "127.0.0.1:5000/app:1";
    BuildRequest plain = mojo.request();
    assertEquals(List.of(), plain.attestations(), "nothing is attested unless asked");
    assertEquals(Optional.empty(), plain.sign());

    mojo.sbom = true;
    mojo.provenance = "mode=max";
    mojo.signingKey = temp.resolve("cosign.key").toFile();
    mojo.signingKeyPasswordEnv = "KEY_PASSWORD";
    BuildRequest request = mojo.request();
    assertTrue(request.attestation(AttestationSpec.Type.SBOM).isPresent());
    assertEquals(
        AttestationSpec.ProvenanceMode.MAX,
        request.attestation(AttestationSpec.Type.PROVENANCE).orElseThrow().mode());
    assertEquals(
        Optional.of(new SignSpec(temp.resolve("cosign.key"), Optional.of("KEY_PASSWORD"))),
        request.sign());

    mojo.provenance = "false";
    mojo.signingKeyPasswordEnv = " ";
    assertTrue(mojo.request().attestation(AttestationSpec.Type.PROVENANCE).isEmpty());
    assertEquals(Optional.empty(), mojo.request().sign().orElseThrow().passwordEnv());

    mojo.provenance = "mode=medium";
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::request);
    assertTrue(e.getMessage().contains("mode=medium"), e.getMessage());
  }

  @Test
  void allowTakesBuildxsNamesAsTheCliDoesAndNothingByDefault() throws Exception {
    BuildTarMojo mojo = tarMojo();
    assertEquals(Set.of(), mojo.request().allowed());
    // -Dkiln.allow=a,b reaches the list as one element or several; both work.
    mojo.allow = List.of("security.insecure,network.host");
    assertEquals(
        Set.of(Entitlement.NETWORK_HOST, Entitlement.SECURITY_INSECURE), mojo.request().allowed());
    mojo.allow = List.of("network.hots");
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertEquals(
        "unknown entitlement 'network.hots' for --allow\n"
            + "hint: use network.host or security.insecure (comma-separated or repeated)",
        e.getMessage());
    assertTrue(engine.requests.isEmpty(), "nothing was built");
  }

  @Test
  void aStepRefusedForAMissingEntitlementSaysWhichParameterGrantsIt() {
    BuildTarMojo mojo = tarMojo();
    engine.failure =
        new BuildFailure(
            BuildFailure.Kind.USAGE,
            "Dockerfile:2:5: RUN --security=insecure needs the security.insecure entitlement,"
                + " which this build was not granted",
            null,
            "pass --allow security.insecure if you trust this Dockerfile: the step then runs with"
                + " full privileges on this machine",
            null);
    MojoFailureException e = assertThrows(MojoFailureException.class, mojo::execute);
    assertTrue(
        e.getMessage()
            .endsWith(
                "\nhint: add security.insecure to <allow> (-Dkiln.allow=security.insecure) if you"
                    + " trust this Dockerfile: the step then runs with full privileges on this"
                    + " machine"),
        e.getMessage());
  }

  @Test
  void registryAndInternalFailuresAreExecutionErrors() {
    BuildMojo mojo = configure(new BuildMojo());
    mojo.image = "127.0.0.1:5000/app:1";
    engine.failure =
        new BuildFailure(
            BuildFailure.Kind.INTERNAL, "disk full", null, "rerun with --debug for details", null);
    MojoExecutionException e = assertThrows(MojoExecutionException.class, mojo::execute);
    assertEquals("disk full\nhint: rerun Maven with -e for details", e.getMessage());
  }

  private BuildTarMojo tarMojo() {
    BuildTarMojo mojo = configure(new BuildTarMojo());
    mojo.format = "oci";
    mojo.outputFile = temp.resolve("target/kiln-image.tar").toFile();
    mojo.classifier = "image";
    mojo.type = "tar";
    return mojo;
  }

  private <T extends DockerfileBuildMojo> T configure(T mojo) {
    mojo.project = project;
    mojo.session = new MavenSession(null, null, execution, new DefaultMavenExecutionResult());
    mojo.settingsDecrypter = request -> new Decrypted(request.getServers());
    mojo.dockerfile = temp.resolve("Dockerfile").toFile();
    mojo.context = temp.toFile();
    mojo.digestFile = temp.resolve("target/kiln-image.digest").toFile();
    mojo.builder = engine;
    mojo.setLog(log);
    return mojo;
  }

  /** Records requests; answers with a one-step build or the failure it was given. */
  private static final class RecordingBuilder implements ImageBuilder {
    final List<BuildRequest> requests = new ArrayList<>();
    final List<BuildEvent> events = new ArrayList<>();
    BuildFailure failure;

    @Override
    public BuildResult build(BuildRequest request, dev.kiln.api.event.BuildListener listener)
        throws BuildFailure {
      requests.add(request);
      if (failure != null) {
        throw failure;
      }
      events.forEach(listener::on);
      StepRef step = new StepRef(1, "", 1, 1, "COPY app.jar /app.jar", Optional.empty());
      listener.on(new BuildEvent.StepCompleted(Instant.now(), step, java.time.Duration.ZERO));
      return new BuildResult(
          Optional.of(DIGEST),
          Optional.of(DIGEST),
          Optional.of("application/vnd.oci.image.manifest.v1+json"),
          100,
          request.tags(),
          List.of(),
          1,
          0);
    }
  }

  private static final class RecordingHelper implements MavenProjectHelper {
    final List<String> attached = new ArrayList<>();

    @Override
    public void attachArtifact(MavenProject project, File artifactFile, String classifier) {
      attached.add("? " + classifier + " " + artifactFile);
    }

    @Override
    public void attachArtifact(MavenProject project, String type, File artifactFile) {
      attached.add(type + " ? " + artifactFile);
    }

    @Override
    public void attachArtifact(
        MavenProject project, String type, String classifier, File artifactFile) {
      attached.add(type + " " + classifier + " " + artifactFile);
    }

    @Override
    public void addResource(
        MavenProject project, String dir, List<String> includes, List<String> excludes) {}

    @Override
    public void addTestResource(
        MavenProject project, String dir, List<String> includes, List<String> excludes) {}
  }

  /** A decryption result without problems. */
  private record Decrypted(List<Server> servers) implements SettingsDecryptionResult {
    @Override
    public Server getServer() {
      return servers.isEmpty() ? null : servers.get(0);
    }

    @Override
    public List<Server> getServers() {
      return servers;
    }

    @Override
    public Proxy getProxy() {
      return null;
    }

    @Override
    public List<Proxy> getProxies() {
      return List.of();
    }

    @Override
    public List<SettingsProblem> getProblems() {
      return List.of();
    }
  }
}
