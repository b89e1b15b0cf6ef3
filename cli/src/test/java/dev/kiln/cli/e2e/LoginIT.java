package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.Credentials;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kiln login} and {@code logout} against a registry with bearer-token authentication (an
 * in-process token server in front of Debian's registry): credentials are verified before they are
 * stored, stored where Docker keeps them, used by push and pull, and removed again; a credential
 * helper named in config.json is used instead of the file when there is one.
 */
class LoginIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.token();
  @TempDir static Path home;

  static KilnCli kiln;
  static Credentials credentials;

  /** The registry and its token server both listen on 127.0.0.1, over plain HTTP. */
  static final String INSECURE = "--insecure-registry=127.0.0.1";

  @BeforeAll
  static void buildAnImage() {
    kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    Path context =
        kiln.context("app", Map.of("Dockerfile", "FROM busybox:test\nENV LOGGED_IN=yes\n"));
    kiln.run("build", "-q", "-t", "app:1", context.toString()).ok();
    credentials = registry.credentials().orElseThrow();
  }

  @BeforeEach
  void noLogins() throws Exception {
    KilnCli.deleteTree(home.resolve(".docker"));
  }

  @Test
  void loginVerifiesAndStoresCredentialsThatPushAndPullUse() throws Exception {
    KilnCli.Result login =
        kiln.runWithInput(
                credentials.password() + "\n",
                "login",
                "--username",
                credentials.username(),
                "--password-stdin",
                INSECURE,
                registry.hostPort())
            .ok();
    assertEquals("Login Succeeded\n", login.stdout());
    Path config = home.resolve(".docker/config.json");
    JsonNode auth = Skopeo.json(Files.readString(config)).path("auths").path(registry.hostPort());
    assertEquals(
        credentials.colonSeparated(),
        new String(Base64.getDecoder().decode(auth.path("auth").asText()), StandardCharsets.UTF_8));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));

    // kiln build --push uses the stored login too.
    Path context =
        kiln.context("pushed-by-build", Map.of("Dockerfile", "FROM busybox:test\nENV VIA=build\n"));
    String built = registry.reference("private/built:1");
    String builtDigest =
        kiln.run("build", "-q", "--push", INSECURE, "-t", built, context.toString())
            .ok()
            .stdout()
            .strip();
    assertEquals(
        builtDigest,
        RegistryCommandsIT.sha256(ImageInspector.of(registry).rawManifest("private/built:1")));

    String target = registry.reference("private/app:1");
    String pushed = kiln.run("push", "-q", INSECURE, "app:1", target).ok().stdout().strip();
    KilnCli other = kiln.withEnv("KILN_CACHE_DIR", home.resolve("other-cache").toString());
    String digest = other.run("pull", "-q", INSECURE, target).ok().stdout().strip();
    assertTrue(pushed.endsWith("@" + digest), pushed + " vs " + digest);

    KilnCli.Result logout = kiln.run("logout", registry.hostPort()).ok();
    assertTrue(logout.stderr().contains("removed the credentials"), logout.describe());
    assertFalse(Files.readString(config).contains(registry.hostPort()), Files.readString(config));
    KilnCli.Result anonymous = other.run("pull", "-q", INSECURE, target).exits(3);
    assertTrue(anonymous.stderr().contains("HTTP 401"), anonymous.describe());
  }

  @Test
  void aWrongPasswordIsRefusedAndNothingIsStored() {
    KilnCli.Result login =
        kiln.runWithInput(
                "not-the-password\n",
                "login",
                "-u",
                credentials.username(),
                "--password-stdin",
                INSECURE,
                registry.hostPort())
            .exits(3);
    assertTrue(login.stderr().startsWith("ERROR: "), login.describe());
    assertTrue(login.stderr().contains("HTTP 401"), login.describe());
    assertTrue(
        login.stderr().contains("kiln login --username " + credentials.username()),
        "the credentials' source is named: " + login.describe());
    assertFalse(Files.exists(home.resolve(".docker/config.json")));
  }

  @Test
  void credentialsAreNotSentOverPlainHttpUnlessTheHostIsNamedInsecure() {
    KilnCli.Result login =
        kiln.runWithInput(
                credentials.password(),
                "login",
                "-u",
                credentials.username(),
                "--password-stdin",
                registry.hostPort())
            .exits(2);
    assertTrue(login.stderr().contains("over plain HTTP"), login.describe());
    assertTrue(login.stderr().contains("hint: "), login.describe());
    assertTrue(login.stderr().contains("--insecure-registry 127.0.0.1"), login.describe());
    assertFalse(Files.exists(home.resolve(".docker/config.json")));
  }

  @Test
  void everyCommandThatWithholdsCredentialsNamesTheFlagThatSendsThem() throws Exception {
    Path config = home.resolve(".docker/config.json");
    Files.createDirectories(config.getParent());
    String auth =
        Base64.getEncoder()
            .encodeToString(credentials.colonSeparated().getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        config, "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + auth + "\"}}}");
    String image = registry.reference("private/withheld:1");
    Path context = kiln.context("withheld", Map.of("Dockerfile", "FROM " + image + "\nENV A=1\n"));
    String flag = "--insecure-registry " + registry.hostPort();
    for (KilnCli.Result failed :
        List.of(
            kiln.run("build", "-q", context.toString()).exits(3),
            kiln.run("pull", "-q", image).exits(3),
            kiln.run("push", "-q", "app:1", image).exits(3),
            kiln.run("inspect", image).exits(3))) {
      assertTrue(failed.stderr().contains("over plain HTTP"), failed.describe());
      assertTrue(failed.stderr().contains(flag), failed.describe());
      assertFalse(failed.stderr().contains("docker login"), failed.describe());
    }
  }

  @Test
  void aRegistryThatWantsCredentialsKilnHasNoneForSaysKilnLogin() {
    KilnCli.Result pull =
        kiln.run("pull", "-q", INSECURE, registry.reference("private/x:1")).exits(3);
    assertTrue(pull.stderr().contains("HTTP 401"), pull.describe());
    assertTrue(pull.stderr().contains("kiln login " + registry.hostPort()), pull.describe());
    assertFalse(pull.stderr().contains("docker login"), pull.describe());
  }

  @Test
  void aRegistry401NamesTheCredentialSource() throws Exception {
    Path config = home.resolve(".docker/config.json");
    Files.createDirectories(config.getParent());
    String wrong =
        Base64.getEncoder()
            .encodeToString((credentials.username() + ":wrong").getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        config, "{\"auths\":{\"" + registry.hostPort() + "\":{\"auth\":\"" + wrong + "\"}}}");
    KilnCli.Result pull =
        kiln.run("pull", "-q", INSECURE, registry.reference("private/x:1")).exits(3);
    assertTrue(pull.stderr().startsWith("ERROR: "), pull.describe());
    assertTrue(pull.stderr().contains("HTTP 401"), pull.describe());
    assertTrue(pull.stderr().contains("private/x"), "the reference is named: " + pull.describe());
    assertTrue(
        pull.stderr().contains("docker config " + config),
        "the credential source is named: " + pull.describe());
  }

  @Test
  void aConfiguredCredentialHelperStoresGivesAndErasesTheCredentials() throws Exception {
    Path bin = Files.createDirectories(home.resolve("bin"));
    Path vault = home.resolve("vault");
    Path helper = bin.resolve("docker-credential-kilntest");
    Files.writeString(
        helper,
        "#!/bin/sh\n"
            + "vault='"
            + vault
            + "'\n"
            + "case \"$1\" in\n"
            + "  store) cat > \"$vault.json\" ;;\n"
            + "  get) read url; [ -f \"$vault.json\" ] && cat \"$vault.json\" && exit 0\n"
            + "       echo 'credentials not found in native keychain'; exit 1 ;;\n"
            + "  erase) read url; rm -f \"$vault.json\"; echo \"$url\" > \"$vault.erased\" ;;\n"
            + "esac\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path config = home.resolve(".docker/config.json");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "{\"credsStore\":\"kilntest\",\"proxies\":{\"keep\":\"me\"}}");
    KilnCli withHelper = kiln.withEnv("PATH", bin + ":" + kiln.env().get("PATH"));

    KilnCli.Result login =
        withHelper
            .runWithInput(
                credentials.password(),
                "login",
                "-u",
                credentials.username(),
                "--password-stdin",
                INSECURE,
                registry.hostPort())
            .ok();
    assertTrue(login.stderr().contains("docker-credential-kilntest"), login.describe());
    JsonNode stored = Skopeo.json(Files.readString(home.resolve("vault.json")));
    assertEquals(registry.hostPort(), stored.path("ServerURL").asText());
    assertEquals(credentials.username(), stored.path("Username").asText());
    assertEquals(credentials.password(), stored.path("Secret").asText());
    JsonNode file = Skopeo.json(Files.readString(config));
    assertEquals("{}", file.path("auths").path(registry.hostPort()).toString(), file.toString());
    assertEquals("me", file.path("proxies").path("keep").asText(), "other settings survive");
    assertFalse(Files.readString(config).contains(credentials.password()));

    withHelper.run("push", "-q", INSECURE, "app:1", registry.reference("helper/app:1")).ok();

    withHelper.run("logout", registry.hostPort()).ok();
    assertFalse(Files.exists(home.resolve("vault.json")));
    assertEquals(registry.hostPort(), Files.readString(home.resolve("vault.erased")).strip());
  }

  /**
   * The registry client writes nothing itself: what it has to say reaches the progress display as a
   * warning, and {@code -q} stays silent. It used to log through java.util.logging, whose default
   * handler printed two-line records ("Dec 07, 2026 1:13:56 PM
   * dev.kiln.registry.auth.AuthInterceptor report" / "INFO: using credentials ...") on stderr
   * whatever the flags.
   */
  @Test
  void theRegistryClientPrintsNoLogRecordsOnlyWarningsTheDisplayShows() throws Exception {
    Path config = home.resolve(".docker/config.json");
    Files.createDirectories(config.getParent());
    String auth =
        Base64.getEncoder()
            .encodeToString(credentials.colonSeparated().getBytes(StandardCharsets.UTF_8));
    Files.writeString(
        config,
        "{\"credsStore\":\"kiln-not-installed\",\"auths\":{\""
            + registry.hostPort()
            + "\":{\"auth\":\""
            + auth
            + "\"}}}");
    String target = registry.reference("private/quiet:1");
    kiln.run("push", "-q", INSECURE, "app:1", target).ok();

    KilnCli.Result quiet = kiln.run("pull", "-q", INSECURE, target).ok();
    assertEquals("", quiet.stderr(), quiet.describe());

    KilnCli.Result plain = kiln.run("pull", "--progress=plain", INSECURE, target).ok();
    assertFalse(
        JUL_RECORD_HEADER.matcher(plain.stderr()).find(), "a JUL record: " + plain.describe());
    assertFalse(plain.stderr().contains("INFO: "), plain.describe());
    String warning =
        "WARNING: docker-credential-kiln-not-installed named in docker config "
            + config
            + " (credsStore) is not installed; ignoring it\n";
    assertEquals(
        1,
        plain.stderr().split(java.util.regex.Pattern.quote(warning), -1).length - 1,
        "the missing helper is reported once: " + plain.describe());
  }

  /** The first line java.util.logging's SimpleFormatter writes for a record, by default. */
  private static final java.util.regex.Pattern JUL_RECORD_HEADER =
      java.util.regex.Pattern.compile(
          "(?m)^[A-Z][a-z]{2} \\d{2}, \\d{4} \\d{1,2}:\\d{2}:\\d{2} [AP]M \\S+ \\S+$");
}
