package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.CacheSpec;
import dev.kiln.api.request.Entitlement;
import dev.kiln.api.request.ImageAnnotation;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.SignSpec;
import dev.kiln.registry.model.Compression;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every {@code kiln build} flag, parsed and arriving at the engine with buildx's meaning. */
class BuildCommandFlagsTest {
  private final RecordingEngine engine = new RecordingEngine();

  @Test
  void everyFlagReachesTheEngine(@TempDir Path temp) throws Exception {
    Path argFile = temp.resolve("args");
    Files.writeString(argFile, "# comment\nFROM_FILE=1\n\nOVERRIDDEN=file\n");
    var run =
        engine.run(
            Map.of("FROM_ENV", "env-value", "SOURCE_DATE_EPOCH", "99"),
            "",
            "build",
            "-f",
            "docker/Dockerfile.prod",
            "-t",
            "r.example/app:1",
            "--tag",
            "r.example/app:latest",
            "--build-arg-file",
            argFile.toString(),
            "--build-arg",
            "A=1",
            "--build-arg",
            "FROM_ENV",
            "--build-arg",
            "UNSET_IN_ENV",
            "--build-arg",
            "OVERRIDDEN=flag",
            "--target",
            "runtime",
            "--platform",
            "linux/amd64,linux/arm64",
            "--label",
            "org.opencontainers.image.title=app",
            "--annotation",
            "a.b=c=d",
            "--annotation",
            "index,manifest-descriptor:x=y",
            "--annotation",
            "manifest[linux/arm64]:z=w",
            "--push",
            "-o",
            "type=oci,dest=out.tar,compression=zstd",
            "--cache-from",
            "type=registry,ref=r.example/app:cache",
            "--cache-to",
            "type=local,dest=/tmp/c,mode=max",
            "--no-cache-filter",
            "build",
            "--secret",
            "id=npm,src=/run/npmrc",
            "--ssh",
            "default",
            "--network",
            "none",
            "--allow",
            "network.host",
            "--allow",
            "security.insecure",
            "--isolation",
            "chroot",
            "--build-context",
            "base=docker-image://alpine:3.20",
            "--iidfile",
            temp.resolve("iid").toString(),
            "--metadata-file",
            temp.resolve("meta.json").toString(),
            "--progress",
            "plain",
            "--source-date-epoch",
            "1700000000",
            "--insecure-registry",
            "r.example",
            "--max-parallelism",
            "3",
            "--cache-dir",
            temp.resolve("cache").toString(),
            "--sign",
            "key=ci.key,password-env=KEY_PASSWORD",
            "--attest",
            "type=provenance,mode=max",
            "--sbom=true",
            "ctx");
    assertEquals(0, run.exitCode(), run.stderr());
    BuildRequest r = engine.request;
    assertEquals(Path.of("ctx"), r.context());
    assertEquals(Optional.of(Path.of("docker/Dockerfile.prod")), r.dockerfile());
    assertEquals(List.of("r.example/app:1", "r.example/app:latest"), r.tags());
    assertEquals(
        Map.of("A", "1", "FROM_ENV", "env-value", "FROM_FILE", "1", "OVERRIDDEN", "flag"),
        r.buildArgs(),
        "KEY alone comes from the environment and is skipped when unset; flags beat the file");
    assertEquals(Optional.of("runtime"), r.target());
    assertEquals(List.of("linux/amd64", "linux/arm64"), r.platforms());
    assertEquals(Map.of("org.opencontainers.image.title", "app"), r.labels());
    assertEquals(Map.of("a.b", "c=d"), r.annotations());
    assertEquals(
        List.of("index:x", "manifest-descriptor:x", "manifest[linux/arm64]:z"),
        r.scopedAnnotations().stream().map(ImageAnnotation::describe).toList());
    assertEquals(2, r.outputs().size(), "the explicit output plus --push");
    OutputSpec oci = r.outputs().get(0);
    assertEquals(OutputSpec.Type.OCI, oci.type());
    assertEquals(Compression.ZSTD, oci.compression());
    assertTrue(r.outputs().get(1).push());
    assertEquals(CacheSpec.Type.REGISTRY, r.cacheFrom().get(0).type());
    assertTrue(r.cacheTo().get(0).maxMode());
    assertEquals(Set.of("build"), r.noCacheFilter());
    assertEquals("npm", r.secrets().get(0).id());
    assertEquals("default", r.ssh().get(0).id());
    assertEquals("none", r.network());
    assertEquals(Set.of(Entitlement.NETWORK_HOST, Entitlement.SECURITY_INSECURE), r.allowed());
    assertEquals("chroot", r.isolation());
    assertEquals(new NamedContext.Image("base", "alpine:3.20"), r.buildContexts().get("base"));
    assertEquals(Optional.of(1700000000L), r.sourceDateEpoch(), "the flag beats the environment");
    assertEquals(Set.of("r.example"), r.insecureRegistries());
    assertEquals(Set.of("r.example"), r.plainHttpCredentialHosts(), "as for push and login");
    assertEquals(3, r.maxParallelism());
    assertEquals(Optional.of(temp.resolve("cache")), r.cacheDir());
    assertEquals(
        Optional.of(new SignSpec(Path.of("ci.key"), Optional.of("KEY_PASSWORD"))), r.sign());
    assertTrue(r.attestation(AttestationSpec.Type.SBOM).isPresent());
    assertEquals(
        AttestationSpec.ProvenanceMode.MAX,
        r.attestation(AttestationSpec.Type.PROVENANCE).orElseThrow().mode());

    assertEquals(RecordingEngine.DIGEST + "\n", run.stdout());
    assertEquals(RecordingEngine.DIGEST.toString(), Files.readString(temp.resolve("iid")));
    JsonNode meta = new ObjectMapper().readTree(temp.resolve("meta.json").toFile());
    assertEquals(RecordingEngine.DIGEST.toString(), meta.path("containerimage.digest").asText());
    assertEquals(
        RecordingEngine.CONFIG.toString(), meta.path("containerimage.config.digest").asText());
    assertEquals("r.example/app:1,r.example/app:latest", meta.path("image.name").asText());
  }

  @Test
  void defaultsAreTheLocalStoreAndTheEnvironmentsEpoch() {
    var run = engine.run(Map.of("SOURCE_DATE_EPOCH", "42"), "", "build");
    assertEquals(0, run.exitCode(), run.stderr());
    BuildRequest r = engine.request;
    assertEquals(Path.of("."), r.context());
    assertEquals(Optional.empty(), r.dockerfile());
    assertEquals(1, r.outputs().size());
    assertEquals(OutputSpec.Type.IMAGE, r.outputs().get(0).type());
    assertEquals(false, r.outputs().get(0).push());
    assertEquals(Optional.of(42L), r.sourceDateEpoch());
    assertEquals("default", r.network());
    assertEquals(Set.of(), r.allowed(), "no entitlement unless asked for");
    assertEquals("auto", r.isolation());
    assertEquals(Runtime.getRuntime().availableProcessors(), r.maxParallelism());
  }

  @Test
  void dashFileReadsTheDockerfileFromStdin() {
    var run = engine.run(Map.of(), "FROM scratch\n", "build", "-f", "-", ".");
    assertEquals(0, run.exitCode(), run.stderr());
    assertArrayEquals(
        "FROM scratch\n".getBytes(StandardCharsets.UTF_8),
        engine.request.dockerfileContent().orElseThrow());
  }

  @Test
  void pullAloneMeansAlwaysAndLeavesTheContextAPolicyIsAttached(@TempDir Path temp) {
    var none = engine.run(Map.of(), "", "build", temp.toString());
    assertEquals(0, none.exitCode(), none.stderr());
    assertEquals(dev.kiln.api.request.PullPolicy.NEWER, engine.request.pull());

    var bare = engine.run(Map.of(), "", "build", "--pull", temp.toString());
    assertEquals(0, bare.exitCode(), bare.stderr());
    assertEquals(dev.kiln.api.request.PullPolicy.ALWAYS, engine.request.pull());
    assertEquals(temp, engine.request.context(), "--pull did not take the context as its value");

    engine.run(Map.of(), "", "build", "--pull=missing", temp.toString());
    assertEquals(dev.kiln.api.request.PullPolicy.MISSING, engine.request.pull());
    engine.run(Map.of(), "", "build", "--pull=never", temp.toString());
    assertEquals(dev.kiln.api.request.PullPolicy.NEVER, engine.request.pull());
    engine.run(Map.of(), "", "build", "--pull=false", temp.toString());
    assertEquals(dev.kiln.api.request.PullPolicy.NEWER, engine.request.pull());

    var bad = engine.run(Map.of(), "", "build", "--pull=sometimes", temp.toString());
    assertEquals(ExitCode.USAGE, bad.exitCode(), bad.stderr());
    assertTrue(bad.stderr().contains("unknown --pull value \"sometimes\""), bad.stderr());
  }

  @Test
  void theStoreComesFromKilnsEnvironmentSoEveryCommandUsesTheSameOne(@TempDir Path temp) {
    engine.run(Map.of("KILN_CACHE_DIR", temp.resolve("k").toString()), "", "build", ".");
    assertEquals(Optional.of(temp.resolve("k")), engine.request.cacheDir());
    engine.run(Map.of("HOME", temp.toString()), "", "build", ".");
    assertEquals(Optional.of(temp.resolve(".cache/kiln")), engine.request.cacheDir());
  }

  @Test
  void allowTakesBuildxsNamesCommaSeparatedOrRepeatedAndRefusesOthers() {
    var run =
        engine.run(
            Map.of(),
            "",
            "build",
            "--allow",
            "security.insecure,network.host",
            "--allow=network.host",
            ".");
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(
        Set.of(Entitlement.NETWORK_HOST, Entitlement.SECURITY_INSECURE), engine.request.allowed());

    engine.request = null;
    var unknown = engine.run(Map.of(), "", "build", "--allow", "network.host,privileged", ".");
    assertEquals(ExitCode.USAGE, unknown.exitCode());
    assertEquals(
        "ERROR: unknown entitlement 'privileged' for --allow\n"
            + "hint: use network.host or security.insecure (comma-separated or repeated)\n",
        unknown.stderr());
    assertEquals(null, engine.request, "nothing was built");
  }

  @Test
  void quietPrintsOnlyTheDigest() {
    var run = engine.run(Map.of(), "", "build", "-q", ".");
    assertEquals(RecordingEngine.DIGEST + "\n", run.stdout());
    assertEquals("", run.stderr());
  }

  @Test
  void badValuesAreUsageErrorsWithAHint() {
    var push = engine.run(Map.of(), "", "build", "--push", ".");
    assertEquals(ExitCode.USAGE, push.exitCode());
    assertTrue(push.stderr().contains("ERROR: --push needs a name"), push.stderr());
    assertTrue(push.stderr().contains("hint: add -t"), push.stderr());

    var output = engine.run(Map.of(), "", "build", "-o", "type=floppy,dest=a", ".");
    assertEquals(ExitCode.USAGE, output.exitCode());
    assertTrue(output.stderr().contains("unknown type 'floppy'"), output.stderr());

    var network = engine.run(Map.of(), "", "build", "--network", "bridge", ".");
    assertEquals(ExitCode.USAGE, network.exitCode());

    var epoch = engine.run(Map.of("SOURCE_DATE_EPOCH", "yesterday"), "", "build", ".");
    assertEquals(ExitCode.USAGE, epoch.exitCode());
    assertTrue(epoch.stderr().contains("SOURCE_DATE_EPOCH"), epoch.stderr());

    var unknown = engine.run(Map.of(), "", "build", "--frobnicate", ".");
    assertEquals(ExitCode.USAGE, unknown.exitCode());
  }

  @Test
  void eachFailureKindHasItsExitCodeAndNoStackTraceWithoutDebug() {
    engine.failure =
        new BuildFailure(
            BuildFailure.Kind.STEP,
            "RUN make: exit code 2",
            "Dockerfile:3\n > RUN make",
            "fix the command",
            null);
    var step = engine.run(Map.of(), "", "build", ".");
    assertEquals(ExitCode.BUILD_FAILED, step.exitCode());
    assertEquals(
        "ERROR: RUN make: exit code 2\nDockerfile:3\n > RUN make\nhint: fix the command\n",
        step.stderr().substring(step.stderr().indexOf("ERROR:")));

    engine.failure =
        new BuildFailure(BuildFailure.Kind.REGISTRY, "r.example/app:1: HTTP 401", null, null, null);
    assertEquals(ExitCode.REGISTRY, engine.run(Map.of(), "", "build", ".").exitCode());
    engine.failure =
        new BuildFailure(BuildFailure.Kind.INTERRUPTED, "interrupted", null, null, null);
    assertEquals(ExitCode.INTERRUPTED, engine.run(Map.of(), "", "build", ".").exitCode());
    engine.failure = new BuildFailure(BuildFailure.Kind.INTERNAL, "boom", null, null, null);
    var internal = engine.run(Map.of(), "", "build", "--debug", ".");
    assertEquals(ExitCode.INTERNAL, internal.exitCode());
    assertTrue(internal.stderr().contains("at dev.kiln"), "--debug prints the stack trace");
  }
}
