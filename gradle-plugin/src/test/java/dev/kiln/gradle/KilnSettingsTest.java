package dev.kiln.gradle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KilnSettingsTest {
  private static final File PROJECT = new File("/work/app");

  private final KilnExtension extension = new KilnExtension();
  private final Map<String, Object> properties = new HashMap<>();
  private final Map<String, String> environment = new HashMap<>();

  private KilnSettings settings() {
    return new KilnSettings(
        extension,
        properties,
        environment,
        path -> {
          File file = new File(path.toString());
          return file.isAbsolute() ? file : new File(PROJECT, path.toString());
        },
        new File(PROJECT, "build"),
        "app:1.0");
  }

  @Test
  void theBlockBecomesTheJob() {
    extension.setImage("registry.example.com/team/app:1.0");
    extension.setTags(List.of("latest"));
    extension.buildArg("JAR", "build/libs/app-1.0.jar");
    extension.label("org.opencontainers.image.title", "app");
    extension.setPlatforms(List.of("linux/amd64", "linux/arm64"));
    extension.setCacheFrom(List.of("type=registry,ref=registry.example.com/cache"));
    extension.secret("id=token,env=TOKEN");
    extension.setAllow(List.of("network.host"));
    extension.setInsecureRegistries(List.of("registry.test:5000"));
    extension.setNoCache(true);
    extension.setCacheDir("kiln-cache");

    Map<String, String> job = settings().buildJob("image");

    assertEquals("build", job.get("action"));
    assertEquals("image", job.get("output"));
    assertEquals("registry.example.com/team/app:1.0", job.get("image"));
    assertEquals("latest", job.get("tag.0"));
    assertEquals("/work/app/Dockerfile", job.get("dockerfile"));
    assertEquals("/work/app/.", job.get("context"));
    assertEquals("build/libs/app-1.0.jar", job.get("buildArg.JAR"));
    assertEquals("app", job.get("label.org.opencontainers.image.title"));
    assertEquals("linux/arm64", job.get("platform.1"));
    assertEquals("type=registry,ref=registry.example.com/cache", job.get("cacheFrom.0"));
    assertEquals("id=token,env=TOKEN", job.get("secret.0"));
    assertEquals("network.host", job.get("allow.0"));
    assertEquals("registry.test:5000", job.get("insecureRegistry.0"));
    assertEquals("true", job.get("noCache"));
    assertEquals("/work/app/kiln-cache", job.get("cacheDir"));
    assertEquals("/work/app/build/kiln-image.digest", job.get("digestFile"));
    assertEquals("/work/app/build/kiln-image.tar", job.get("tarFile"));
    assertFalse(job.containsKey("sourceDateEpoch"));
  }

  @Test
  void gradlePropertiesOverrideTheBlock() {
    extension.setImage("registry.example.com/app:1.0");
    extension.setTags(List.of("latest"));
    extension.buildArg("VERSION", "1.0");
    properties.put("kiln.image", "registry.example.com/app:2.0");
    properties.put("kiln.tags", "stable, 2");
    properties.put("kiln.buildArg.VERSION", "2.0");
    properties.put("kiln.secret.npmrc", "src=/home/me/.npmrc");
    properties.put("kiln.noCache", "");
    properties.put("kiln.tarFile", "out/image.tar");
    properties.put("unrelated", "x");

    Map<String, String> job = settings().buildJob("tar");

    assertEquals("registry.example.com/app:2.0", job.get("image"));
    assertEquals("stable", job.get("tag.0"));
    assertEquals("2", job.get("tag.1"));
    assertEquals("2.0", job.get("buildArg.VERSION"));
    assertEquals("id=npmrc,src=/home/me/.npmrc", job.get("secret.0"));
    assertEquals("true", job.get("noCache"), "-Pkiln.noCache alone means true");
    assertEquals("/work/app/out/image.tar", job.get("tarFile"));
  }

  @Test
  void aFileOutputWithoutImageIsNamedAfterTheProjectButAPushHasNoDefault() {
    assertEquals("app:1.0", settings().buildJob("tar").get("image"));
    assertEquals("app:1.0", settings().buildJob("layout").get("image"));
    assertNull(settings().buildJob("image").get("image"));
    assertNull(settings().pushJob(PROJECT).get("image"));
  }

  @Test
  void aBuildArgWithoutValueComesFromTheEnvironmentOrIsLeftOut() {
    extension.buildArg("FROM_ENV", null);
    extension.buildArg("MISSING", null);
    environment.put("FROM_ENV", "value");

    Map<String, String> job = settings().buildJob("image");

    assertEquals("value", job.get("buildArg.FROM_ENV"));
    assertFalse(job.containsKey("buildArg.MISSING"));
  }

  @Test
  void sourceDateEpochFromThePropertyThenTheBlockThenTheEnvironment() {
    environment.put("SOURCE_DATE_EPOCH", "100");
    assertEquals("100", settings().buildJob("tar").get("sourceDateEpoch"));
    assertEquals("SOURCE_DATE_EPOCH", settings().buildJob("tar").get("sourceDateEpoch.from"));

    extension.setSourceDateEpoch("2024-01-01T00:00:00Z");
    assertEquals("2024-01-01T00:00:00Z", settings().buildJob("tar").get("sourceDateEpoch"));

    properties.put("kiln.sourceDateEpoch", "200");
    Map<String, String> job = settings().buildJob("tar");
    assertEquals("200", job.get("sourceDateEpoch"));
    assertEquals("Gradle property kiln.sourceDateEpoch", job.get("sourceDateEpoch.from"));
  }

  @Test
  void credentialsFromTheBlockGradlePropertiesAndTheEnvironment() {
    extension.auth("ghcr.io", "block-user", "block-password");
    properties.put("kiln.auth.localhost:5000.username", "prop-user");
    properties.put("kiln.auth.localhost:5000.password", "prop-password");
    properties.put("kiln.auth.half.example.com.username", "no-password");
    environment.put("KILN_AUTH_USERNAME", "env-user");
    environment.put("KILN_AUTH_PASSWORD", "env-password");

    Map<String, String> job = settings().pushJob(PROJECT);

    assertEquals("block-user", job.get("login.ghcr.io.username"));
    assertEquals("prop-password", job.get("login.localhost:5000.password"));
    assertEquals(
        "Gradle properties kiln.auth.localhost:5000.username/password",
        job.get("login.localhost:5000.from"));
    assertFalse(job.containsKey("login.half.example.com.username"), "no password, no login");
    assertEquals("env-user", job.get("login.@image.username"));

    properties.put("kiln.auth.username", "image-user");
    properties.put("kiln.auth.password", "image-password");
    assertEquals("image-user", settings().pushJob(PROJECT).get("login.@image.username"));
  }

  @Test
  void skipForkAndJavaHome() {
    assertFalse(settings().skip());
    assertFalse(settings().fork());
    assertNull(settings().javaHome());
    environment.put("KILN_JAVA_HOME", "/opt/jdk-17");
    assertEquals(new File("/opt/jdk-17"), settings().javaHome());
    extension.setJavaHome("/opt/jdk-21");
    assertEquals(new File("/opt/jdk-21"), settings().javaHome());
    properties.put("kiln.skip", "true");
    properties.put("kiln.fork", "true");
    assertTrue(settings().skip());
    assertTrue(settings().fork());
  }
}
