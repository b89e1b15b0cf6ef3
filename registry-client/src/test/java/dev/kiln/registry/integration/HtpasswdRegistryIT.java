package dev.kiln.registry.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.credentials.Credential;
import dev.kiln.registry.credentials.CredentialChain;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.credentials.StaticCredentials;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.AuthenticationException;
import dev.kiln.registry.transport.RegistrySecurity;
import dev.kiln.testdata.registry.Credentials;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Basic authentication against docker-registry with an htpasswd file (over plain HTTP). */
class HtpasswdRegistryIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.htpasswd();

  @TempDir Path work;
  private final ItImages.Recorder recorder = new ItImages.Recorder();

  private ImageReference ref(String repoAndTag) {
    return ImageReference.parse(registry.reference(repoAndTag));
  }

  private Credentials full() {
    return registry.credentials().orElseThrow();
  }

  @Test
  void pushAndPullWithBasicCredentials() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "htpasswd");
    try (RegistryClient client =
        RegistryClient.create(ItImages.options(registry, recorder).build())) {
      client.pushImage(ref("basic/app:1"), image.push(), List.of());
      assertEquals(image.manifest().digest(), client.resolveDigest(ref("basic/app:1")));
      assertEquals(
          image.config(),
          client.resolveImage(ref("basic/app:1"), image.config().platform()).config());
    }
    assertEquals(
        List.of(new RegistryEvent.CredentialsUsed(registry.hostPort(), "fixture credentials")),
        recorder.of(RegistryEvent.CredentialsUsed.class));
  }

  @Test
  void aWrongPasswordIsReportedWithItsSource() throws IOException {
    var wrong =
        new StaticCredentials(
            Map.of(registry.hostPort(), new Credential.UsernamePassword(full().username(), "nope")),
            "--creds flag");
    try (RegistryClient client =
        RegistryClient.create(ItImages.options(registry, recorder).credentials(wrong).build())) {
      var e = assertThrows(AuthenticationException.class, () -> client.head(ref("basic/app:1")));
      assertEquals(401, e.status());
      assertTrue(e.getMessage().contains("--creds flag"), e.getMessage());
      assertTrue(e.getMessage().contains("did not accept the credentials"), e.getMessage());
      assertTrue(e.getMessage().contains(ref("basic/app:1").toString()), e.getMessage());
    }
  }

  @Test
  void withoutCredentialsThePersonIsToldToLogIn() throws IOException {
    try (RegistryClient client =
        RegistryClient.create(
            ItImages.options(registry, recorder).credentials(CredentialSource.NONE).build())) {
      var e = assertThrows(AuthenticationException.class, () -> client.head(ref("basic/app:1")));
      assertTrue(e.getMessage().contains("kiln login " + registry.hostPort()), e.getMessage());
    }
  }

  @Test
  void credentialsAreNotSentOverPlainHttpUnlessAllowed() throws IOException {
    try (RegistryClient client =
        RegistryClient.create(
            ItImages.options(registry, recorder).security(RegistrySecurity.defaults()).build())) {
      var e = assertThrows(AuthenticationException.class, () -> client.head(ref("basic/app:1")));
      assertTrue(e.getMessage().contains("not sent over plain HTTP"), e.getMessage());
    }
    assertTrue(recorder.of(RegistryEvent.CredentialsUsed.class).isEmpty());
  }

  @Test
  void credentialsFromDockerConfigAndFromACredentialHelper() throws IOException {
    ItImages.Built image = ItImages.busybox(work, "config-json");
    Path dockerDir = Files.createDirectories(work.resolve("docker"));
    String auth =
        Base64.getEncoder()
            .encodeToString(full().colonSeparated().getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        dockerDir.resolve("config.json"),
        "{\"auths\":{\"http://" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
    CredentialChain fromFile =
        CredentialChain.standard(
            Map.of("DOCKER_CONFIG", dockerDir.toString()),
            work.resolve("home"),
            CredentialSource.NONE);
    try (RegistryClient client =
        RegistryClient.create(ItImages.options(registry, recorder).credentials(fromFile).build())) {
      client.pushImage(ref("basic/fromfile:1"), image.push(), List.of());
    }
    String source = recorder.of(RegistryEvent.CredentialsUsed.class).get(0).source();
    assertTrue(source.contains(dockerDir.resolve("config.json").toString()), source);

    // The same through a real credential helper process.
    Path bin = Files.createDirectories(work.resolve("bin"));
    Path helper = bin.resolve("docker-credential-kilntest");
    Files.writeString(
        helper,
        "#!/bin/sh\nread server\n[ \"$server\" = \""
            + registry.hostPort()
            + "\" ] || { echo 'credentials not found in native keychain'; exit 1; }\n"
            + "printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}' \"$server\" '"
            + full().username()
            + "' '"
            + full().password()
            + "'\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path helperConfig = Files.createDirectories(work.resolve("docker-helper"));
    Files.writeString(
        helperConfig.resolve("config.json"),
        "{\"credHelpers\":{\"" + registry.hostPort() + "\":\"kilntest\"}}");
    CredentialChain fromHelper =
        CredentialChain.standard(
            Map.of("DOCKER_CONFIG", helperConfig.toString(), "PATH", bin.toString()),
            work.resolve("home"),
            CredentialSource.NONE);
    recorder.events.clear();
    try (RegistryClient client =
        RegistryClient.create(
            ItImages.options(registry, recorder).credentials(fromHelper).build())) {
      assertEquals(image.manifest().digest(), client.resolveDigest(ref("basic/fromfile:1")));
    }
    String helperSource = recorder.of(RegistryEvent.CredentialsUsed.class).get(0).source();
    assertTrue(helperSource.contains("docker-credential-kilntest"), helperSource);
    assertTrue(!helperSource.contains(full().password()), helperSource);
  }

  @Test
  void plainHttpCredentialsCanBeAllowedPerHost() {
    RegistrySecurity allowed =
        RegistrySecurity.defaults().withPlainHttpCredentials(registry.hostPort());
    assertTrue(allowed.allowsCredentialsOverPlainHttp(registry.hostPort()));
    assertTrue(!allowed.allowsCredentialsOverPlainHttp("127.0.0.1:1"));
    assertTrue(
        new RegistrySecurity(
                Set.of(), Set.of(), true, Set.of("127.0.0.1"), java.util.List.of(), Map.of())
            .allowsCredentialsOverPlainHttp("127.0.0.1:1"));
  }
}
