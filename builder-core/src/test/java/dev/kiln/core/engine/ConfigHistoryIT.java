package dev.kiln.core.engine;

import static dev.kiln.core.engine.CopyAddIT.assertFile;
import static dev.kiln.core.engine.CopyAddIT.createdBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every config-only instruction, read back from the config skopeo fetches: the fields it sets and
 * the history entry it adds, with BuildKit's {@code created_by} text ({@code
 * dockerfile2llb/convert.go}: {@code commitToHistory} callers) and {@code empty_layer}.
 */
class ConfigHistoryIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
  }

  @Test
  void everyConfigInstructionSetsItsFieldAndHistory() throws Exception {
    ContextDir ctx =
        kiln.context()
            .dockerfile(
                """
                FROM busybox:kiln
                ARG VERSION=1.0
                ENV APP_HOME=/opt/app PATH=/opt/app/bin:$PATH
                LABEL org.example.version=$VERSION "with space"="a b"
                EXPOSE 8080 53/udp 9000-9001
                VOLUME ["/data", "/cache"]
                USER kiln:users
                WORKDIR /tmp
                SHELL ["/bin/sh", "-ec"]
                ENTRYPOINT ["/bin/sh", "-c"]
                CMD echo $APP_HOME
                STOPSIGNAL SIGQUIT
                HEALTHCHECK --interval=30s --timeout=5s --start-period=1s --retries=3 CMD wget -q localhost:8080
                ONBUILD COPY a.txt /onbuild.txt
                MAINTAINER kiln team <team@example.com>
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "config/all:1");
    JsonNode config = image.configJson();
    JsonNode c = config.path("config");

    assertEquals(
        List.of("PATH=/opt/app/bin:" + DEFAULT_PATH, "APP_HOME=/opt/app"), strings(c, "Env"));
    assertEquals("1.0", c.path("Labels").path("org.example.version").asText());
    assertEquals("a b", c.path("Labels").path("with space").asText());
    assertEquals(
        List.of("53/udp", "8080/tcp", "9000/tcp", "9001/tcp"), keys(c.path("ExposedPorts")));
    assertEquals(List.of("/cache", "/data"), keys(c.path("Volumes")));
    assertEquals("kiln:users", c.path("User").asText());
    assertEquals("/tmp", c.path("WorkingDir").asText());
    assertEquals(List.of("/bin/sh", "-ec"), strings(c, "Shell"));
    assertEquals(List.of("/bin/sh", "-c"), strings(c, "Entrypoint"));
    // Shell form runs through SHELL; CMD is not expanded at build time.
    assertEquals(List.of("/bin/sh", "-ec", "echo $APP_HOME"), strings(c, "Cmd"));
    assertTrue(c.path("ArgsEscaped").asBoolean());
    assertEquals("SIGQUIT", c.path("StopSignal").asText());
    JsonNode health = c.path("Healthcheck");
    assertEquals(List.of("CMD-SHELL", "wget -q localhost:8080"), strings(health, "Test"));
    assertEquals(30_000_000_000L, health.path("Interval").asLong());
    assertEquals(5_000_000_000L, health.path("Timeout").asLong());
    assertEquals(1_000_000_000L, health.path("StartPeriod").asLong());
    assertEquals(3, health.path("Retries").asInt());
    assertEquals(List.of("COPY a.txt /onbuild.txt"), strings(c, "OnBuild"));
    assertEquals("kiln team <team@example.com>", config.path("author").asText());
    assertFalse(c.has("ArgsEscaped") && c.has("VERSION"), "ARG is not in the config");
    assertFalse(strings(c, "Env").stream().anyMatch(e -> e.startsWith("VERSION=")));

    List<JsonNode> history = new ArrayList<>();
    config.path("history").forEach(history::add);
    List<String> ours = new ArrayList<>();
    for (JsonNode h : history.subList(2, history.size())) {
      assertEquals("buildkit.dockerfile.v0", h.path("comment").asText(), h.toString());
      assertTrue(h.path("empty_layer").asBoolean(), "config-only: " + h);
      assertEquals(config.path("created").asText(), h.path("created").asText());
      ours.add(h.path("created_by").asText());
    }
    assertEquals(
        List.of(
            "ARG VERSION=1.0",
            "ENV APP_HOME=/opt/app PATH=/opt/app/bin:" + DEFAULT_PATH,
            "LABEL org.example.version=1.0 with space=a b",
            "EXPOSE [53/udp 8080/tcp 9000/tcp 9001/tcp]",
            "VOLUME [/data /cache]",
            "USER kiln:users",
            "WORKDIR /tmp",
            "SHELL [/bin/sh -ec]",
            "ENTRYPOINT [\"/bin/sh\" \"-c\"]",
            "CMD [\"/bin/sh\" \"-ec\" \"echo $APP_HOME\"]",
            "STOPSIGNAL SIGQUIT",
            "HEALTHCHECK {Test:[CMD-SHELL wget -q localhost:8080] Interval:30s Timeout:5s"
                + " StartPeriod:1s StartInterval:0s Retries:3}",
            // dispatchOnbuild adds no history entry.
            "MAINTAINER kiln team <team@example.com>"),
        ours);
    assertEquals(1, image.manifestJson().path("layers").size(), "config-only: no new layer");
  }

  @Test
  void healthcheckNoneAndEntrypointKeepingThisStagesCmd() throws Exception {
    ContextDir ctx =
        kiln.context()
            .dockerfile(
                """
                FROM busybox:kiln
                HEALTHCHECK CMD true
                HEALTHCHECK NONE
                CMD ["serve"]
                ENTRYPOINT ["/app"]
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "config/none:1");
    JsonNode c = image.configJson().path("config");
    assertEquals(List.of("NONE"), strings(c.path("Healthcheck"), "Test"));
    // ENTRYPOINT clears an inherited Cmd, not one this stage set.
    assertEquals(List.of("serve"), strings(c, "Cmd"));
    assertEquals(List.of("/app"), strings(c, "Entrypoint"));
    List<String> history = createdBy(image.configJson());
    assertTrue(
        history.contains(
            "HEALTHCHECK {Test:[NONE] Interval:0s Timeout:0s StartPeriod:0s StartInterval:0s"
                + " Retries:0}"),
        history.toString());

    ContextDir inherited =
        kiln.context().dockerfile("FROM busybox:kiln\nENTRYPOINT [\"/bin/busybox\"]\n");
    JsonNode c2 =
        kiln.pushAndUnpack(registry, inherited.root(), "config/inherited:1")
            .configJson()
            .path("config");
    assertTrue(c2.path("Cmd").isMissingNode() || c2.path("Cmd").isNull(), c2.toString());
  }

  @Test
  void onbuildTriggersOfTheBaseImageRunInTheChild() throws Exception {
    ContextDir parent =
        kiln.context()
            .dockerfile(
                """
                FROM busybox:kiln
                ONBUILD COPY a.txt /onbuild.txt
                ONBUILD LABEL built.from=parent
                """);
    kiln.build(
        parent.root(), b -> b.tag("onbuild-parent:1").output(OutputSpecParser.parse("type=image")));

    ContextDir child =
        kiln.context()
            .file("a.txt", "from the child's context\n")
            .dockerfile("FROM onbuild-parent:1\nENV CHILD=1\n");
    UnpackedImage image = kiln.pushAndUnpack(registry, child.root(), "config/onbuild:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertFile(tree, "onbuild.txt", 0644, 0, 0, "from the child's context\n");
    JsonNode c = image.configJson().path("config");
    assertEquals("parent", c.path("Labels").path("built.from").asText());
    assertTrue(
        c.path("OnBuild").isMissingNode()
            || c.path("OnBuild").isNull()
            || c.path("OnBuild").isEmpty(),
        "triggers run once and are not inherited: " + c.path("OnBuild"));
    List<String> history = createdBy(image.configJson());
    int copy = history.indexOf("COPY a.txt /onbuild.txt # buildkit");
    int label = history.indexOf("LABEL built.from=parent");
    int env = history.indexOf("ENV CHILD=1");
    assertTrue(copy >= 0 && copy < label && label < env, history.toString());
  }

  @Test
  void onbuildOfAStageRunsInTheStagesBuiltOnIt() throws Exception {
    // dockerfile2llb's resolveStages collects the ONBUILD commands of a stage's base stage and
    // runs them first; the triggers the base inherited from its own image do not carry over.
    ContextDir ctx =
        kiln.context()
            .file("a.txt", "alpha\n")
            .dockerfile(
                """
                FROM busybox:kiln AS base
                ONBUILD COPY a.txt /from-onbuild.txt
                FROM base
                ENV CHILD=1
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "config/stage-onbuild:1");
    assertFile(FileFacts.tree(image.rootfs()), "from-onbuild.txt", 0644, 0, 0, "alpha\n");
    JsonNode c = image.configJson().path("config");
    assertTrue(
        c.path("OnBuild").isMissingNode()
            || c.path("OnBuild").isNull()
            || c.path("OnBuild").isEmpty(),
        c.toString());
  }

  @Test
  void argsOfAStageReachTheStagesBuiltOnIt() throws Exception {
    // BuildKit's child stage starts from its parent's state: the ARG values are in its
    // environment, and RUN's history names them with those values.
    ContextDir ctx =
        kiln.context()
            .dockerfile(
                """
                FROM busybox:kiln AS base
                ARG VERSION=1.2
                FROM base AS child
                RUN echo "v=$VERSION" > /version
                LABEL version=$VERSION
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "config/stage-args:1");
    assertFile(FileFacts.tree(image.rootfs()), "version", 0644, 0, 0, "v=1.2\n");
    JsonNode config = image.configJson();
    assertEquals("1.2", config.path("config").path("Labels").path("version").asText());
    List<String> history = createdBy(config);
    assertTrue(
        history.stream()
            .anyMatch(h -> h.startsWith("RUN |1 VERSION=1.2 /bin/sh -c echo \"v=$VERSION\"")),
        history.toString());
  }

  @Test
  void labelsFromTheRequestOverrideTheDockerfile() throws Exception {
    ContextDir ctx =
        kiln.context().dockerfile("FROM busybox:kiln\nLABEL a=dockerfile b=dockerfile\n");
    UnpackedImage image =
        kiln.pushAndUnpack(
            registry, ctx.root(), "config/labels:1", b -> b.label("b", "flag").label("c", "flag"));
    JsonNode labels = image.configJson().path("config").path("Labels");
    assertEquals(JSON.readTree("{\"a\":\"dockerfile\",\"b\":\"flag\",\"c\":\"flag\"}"), labels);
  }

  // ---- helpers ----

  static List<String> strings(JsonNode node, String field) {
    List<String> out = new ArrayList<>();
    node.path(field).forEach(v -> out.add(v.asText()));
    return out;
  }

  static List<String> keys(JsonNode object) {
    List<String> out = new ArrayList<>();
    object.fieldNames().forEachRemaining(out::add);
    out.sort(null);
    return out;
  }

  @Test
  void eachCacheEntryIsAsSmallAsItsStepAndHitsReplayTheWholeConfig() throws Exception {
    StringBuilder dockerfile = new StringBuilder("FROM busybox:kiln\n");
    for (int i = 0; i < 400; i++) {
      dockerfile.append("LABEL label").append(i).append("=value").append(i).append('\n');
      if (i % 100 == 0) {
        dockerfile.append("ENV VAR").append(i).append("=").append(i).append('\n');
      }
    }
    ContextDir ctx = kiln.context().dockerfile(dockerfile.toString());
    BuildResult first = kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=image")));
    Path entries = kiln.cacheDir().resolve("kiln/buildcache");
    long largest;
    try (var files = Files.walk(entries)) {
      largest =
          files
              .filter(Files::isRegularFile)
              .mapToLong(f -> f.toFile().length())
              .max()
              .orElseThrow();
    }
    // The 400th step's config holds 400 labels and 400 history entries (about 40 KB); its entry
    // must hold only its own label, as the first one does.
    assertTrue(largest < 2048, "largest cache entry: " + largest + " bytes");

    BuildResult again = kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=image")));
    assertEquals(0, again.stepsExecuted());
    assertEquals(first.imageDigest(), again.imageDigest());
    assertEquals(first.configDigest(), again.configDigest());
  }
}
