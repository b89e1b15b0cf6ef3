package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln key generate}, {@code kiln build --push --sign}, {@code kiln sign} and {@code kiln
 * verify} as a CI job runs them: the real jar, a password in the environment, exit codes and
 * messages. (The formats themselves are checked against other implementations in builder-core's
 * {@code SigningIT}.)
 */
class SignCommandsIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path home;
  static KilnCli kiln;
  static Path context;

  @BeforeAll
  static void setUp() {
    kiln = new KilnCli(home).withEnv("COSIGN_PASSWORD", "ci secret");
    kiln.buildBusyboxBase();
    context =
        kiln.context(
            "signed",
            Map.of("Dockerfile", "FROM busybox:test\nCOPY a.txt /\n", "a.txt", "signed\n"));
  }

  @Test
  void generateBuildSignedVerifyAndRefuseAnotherKey() throws Exception {
    Path keys = Files.createDirectories(home.resolve("keys"));
    KilnCli.Result generated =
        kiln.run(
                "key",
                "generate",
                "--password-env",
                "COSIGN_PASSWORD",
                "--output-key-prefix",
                keys.resolve("ci").toString())
            .ok();
    assertTrue(generated.stderr().contains("(encrypted)"), generated.describe());
    assertTrue(Files.readString(keys.resolve("ci.key")).startsWith("-----BEGIN ENCRYPTED COSIGN"));
    kiln.run("key", "generate", "--output-key-prefix", keys.resolve("other").toString()).ok();
    kiln.run("key", "generate", "--output-key-prefix", keys.resolve("ci").toString()).exits(2);

    String image = registry.reference("cli/app:1");
    KilnCli.Result build =
        kiln.run(
                "build",
                "--progress=plain",
                "--push",
                "-t",
                image,
                "--sign",
                "key=" + keys.resolve("ci.key"),
                context.toString())
            .ok();
    assertTrue(
        build.stderr().contains("signed " + registry.reference("cli/app@")), build.describe());
    String digest = build.stdout().strip();

    KilnCli.Result verified =
        kiln.run("verify", "--key", keys.resolve("ci.pub").toString(), image).ok();
    assertTrue(
        verified.stdout().contains("\"docker-manifest-digest\":\"" + digest + "\""),
        verified.describe());

    KilnCli.Result refused =
        kiln.run("verify", "--key", keys.resolve("other.pub").toString(), image).exits(1);
    assertTrue(
        refused
            .stderr()
            .contains("ERROR: no signature of " + registry.reference("cli/app@" + digest)),
        refused.describe());

    KilnCli.Result signed =
        kiln.run("sign", "--key", keys.resolve("other.key").toString(), image).ok();
    assertEquals(registry.reference("cli/app@" + digest), signed.stdout().strip());
    kiln.run("verify", "--key", keys.resolve("other.pub").toString(), image).ok();

    KilnCli.Result wrongPassword =
        kiln.withEnv("COSIGN_PASSWORD", "not it")
            .run("sign", "--key", keys.resolve("ci.key").toString(), image)
            .exits(2);
    assertTrue(wrongPassword.stderr().contains("wrong password"), wrongPassword.describe());
  }

  @Test
  void oneBuildPushesAttestsAndSignsAndVerifyAttestationChecksIt() throws Exception {
    Path keys = Files.createDirectories(home.resolve("att-keys"));
    kiln.run("key", "generate", "--output-key-prefix", keys.resolve("ci").toString()).ok();
    kiln.run("key", "generate", "--output-key-prefix", keys.resolve("other").toString()).ok();
    String image = registry.reference("cli/attested:1");
    KilnCli.Result build =
        kiln.run(
                "build",
                "--progress=plain",
                "--push",
                "-t",
                image,
                "--sbom=true",
                "--provenance=mode=max",
                "--sign",
                "key=" + keys.resolve("ci.key"),
                context.toString())
            .ok();
    assertTrue(build.stderr().contains("signed 2 attestations of "), build.describe());
    kiln.run("verify", "--key", keys.resolve("ci.pub").toString(), image).ok();

    KilnCli.Result sbom =
        kiln.run(
                "verify-attestation",
                "--key",
                keys.resolve("ci.pub").toString(),
                "--type",
                "sbom",
                image)
            .ok();
    assertEquals(1, sbom.stdout().strip().lines().count(), sbom.describe());
    assertTrue(
        sbom.stdout().contains("\"predicateType\":\"https://spdx.dev/Document\""), sbom.describe());
    KilnCli.Result both =
        kiln.run("verify-attestation", "--key", keys.resolve("ci.pub").toString(), image).ok();
    assertEquals(2, both.stdout().strip().lines().count(), both.describe());

    KilnCli.Result refused =
        kiln.run("verify-attestation", "--key", keys.resolve("other.pub").toString(), image)
            .exits(1);
    assertTrue(refused.stderr().contains("no attestation of "), refused.describe());
    kiln.run(
            "verify-attestation",
            "--key",
            keys.resolve("ci.pub").toString(),
            "--type",
            "nonsense",
            image)
        .exits(2);
  }
}
