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
}
