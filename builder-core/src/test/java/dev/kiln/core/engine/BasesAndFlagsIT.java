package dev.kiln.core.engine;

import static dev.kiln.core.engine.ConfigHistoryIT.strings;
import static dev.kiln.core.engine.CopyAddIT.assertFile;
import static dev.kiln.core.engine.CopyAddIT.createdBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.NamedContext;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UmociLayouts;
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
 * Where a stage starts (a registry image, an OCI layout, a named context, another stage) and the
 * request flags that shape the build: {@code --target}, {@code --build-arg}, {@code --platform}.
 */
class BasesAndFlagsIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;

  /** The busybox base made by umoci (an independent tool), as an OCI layout, tag {@code latest}. */
  static Path umociLayout;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    umociLayout = UmociLayouts.busybox(work.resolve("umoci-layout"), "latest");
    ImageInspector.of(registry).push(umociLayout, "latest", "base/umoci:1");
  }

  @Test
  void aRegistryBaseIsNotDownloadedWhenNoStepNeedsItsFiles() throws Exception {
    String base = registry.reference("base/umoci:1");
    ContextDir ctx = kiln.context().dockerfile("FROM " + base + "\nLABEL x=y\n");
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "app/labelled:1");

    assertTrue(Files.isRegularFile(image.rootfs().resolve("bin/busybox")));
    String layer = image.manifestJson().path("layers").get(0).path("digest").asText();
    String log = registry.log();
    assertTrue(log.contains("/v2/base/umoci/manifests/1"), "the base was resolved");
    assertFalse(
        log.contains("GET /v2/base/umoci/blobs/" + layer),
        "the base layer must be mounted, never downloaded:\n" + log);
    assertTrue(
        log.contains("mount=" + layer.replace(":", "%3A") + "&from=base%2Fumoci"),
        "pushed by cross-repository mount");
  }

  @Test
  void aRebuildOnAnUnchangedRegistryBaseAsksForItsManifestOnly() throws Exception {
    String base = registry.reference("base/umoci:1");
    kiln.pushAndUnpack(
        registry,
        kiln.context().dockerfile("FROM " + base + "\nLABEL first=1\n").root(),
        "app/config-first:1");
    int before = registry.log().length();

    UnpackedImage image =
        kiln.pushAndUnpack(
            registry,
            kiln.context().dockerfile("FROM " + base + "\nLABEL second=2\n").root(),
            "app/config-second:1");

    assertEquals("2", image.configJson().path("config").path("Labels").path("second").asText());
    String log = registry.log().substring(before);
    assertTrue(log.contains("GET /v2/base/umoci/manifests/1"), "the tag is still resolved");
    assertFalse(
        log.contains("GET /v2/base/umoci/blobs/"),
        "the config comes from the store, no layer is needed:\n" + log);
  }

  @Test
  void aRegistryBaseIsReadWhenACopyNeedsItsTree() throws Exception {
    // A base of its own (umoci stamps the time into its config), so that the build must pull at
    // least that config whatever the other tests of this class left in the shared store.
    ImageInspector.of(registry)
        .push(UmociLayouts.busybox(work.resolve("copy-base"), "latest"), "latest", "base/copy:1");
    String base = registry.reference("base/copy:1");
    ContextDir ctx =
        kiln.context()
            .file("a.txt", "alpha\n")
            .dockerfile("FROM " + base + "\nCOPY --chown=kiln a.txt /etc/\n");
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "app/copied:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertFile(tree, "etc/a.txt", 0644, 1000, 1000, "alpha\n");
    assertTrue(tree.containsKey("bin/busybox"));

    // The progress display hears of what the build pulled (the base's config at least; its layer
    // too unless an earlier test of this class left it in the shared store) and pushed.
    List<BuildEvent.Transfer> transfers = new ArrayList<>();
    for (BuildEvent e : kiln.events()) {
      if (e instanceof BuildEvent.Transfer t && t.finished()) {
        transfers.add(t);
      }
    }
    assertTrue(
        transfers.stream()
            .anyMatch(
                t ->
                    t.kind() == BuildEvent.TransferKind.PULL
                        && t.done() == t.total()
                        && t.total() > 0),
        "a pull from the base's repository: " + transfers);
    assertTrue(
        transfers.stream().anyMatch(t -> t.kind() == BuildEvent.TransferKind.PUSH && t.done() > 0),
        "an uploaded blob: " + transfers);
  }

  @Test
  void fromOciLayoutByTagDigestAndNamedContext() throws Exception {
    JsonNode index =
        new com.fasterxml.jackson.databind.ObjectMapper()
            .readTree(umociLayout.resolve("index.json").toFile());
    String digest = index.path("manifests").get(0).path("digest").asText();
    ContextDir ctx =
        kiln.context()
            .file("a.txt", "alpha\n")
            .dockerfile(
                "FROM oci-layout://"
                    + umociLayout
                    + ":latest AS tagged\n"
                    + "COPY a.txt /tagged.txt\n"
                    + "FROM oci-layout://"
                    + umociLayout
                    + "@"
                    + digest
                    + " AS pinned\n"
                    + "COPY --from=tagged /tagged.txt /pinned.txt\n"
                    + "FROM named\n"
                    + "COPY --from=pinned /pinned.txt /named.txt\n"
                    + "COPY --from=extra /extra.txt /\n");
    Path extra = kiln.context().file("extra.txt", "from a directory context\n").root();
    UnpackedImage image =
        kiln.pushAndUnpack(
            registry,
            ctx.root(),
            "app/layout:1",
            b ->
                b.buildContext(NamedContext.parse("named=oci-layout://" + umociLayout + ":latest"))
                    .buildContext(NamedContext.parse("extra=" + extra)));
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertFile(tree, "named.txt", 0644, 0, 0, "alpha\n");
    assertFile(tree, "extra.txt", 0644, 0, 0, "from a directory context\n");
    assertTrue(tree.containsKey("bin/busybox"));
    assertEquals(List.of("/bin/sh"), strings(image.configJson().path("config"), "Cmd"));
  }

  @Test
  void targetBuildsOnlyTheStagesItNeeds() throws Exception {
    ContextDir ctx =
        kiln.context()
            .file("a.txt", "alpha\n")
            .file("b.txt", "bravo\n")
            .dockerfile(
                """
                FROM busybox:kiln AS base
                COPY a.txt /base.txt
                FROM base AS test
                COPY b.txt /test.txt
                FROM base AS final
                COPY does-not-exist /
                """);
    UnpackedImage image =
        kiln.pushAndUnpack(registry, ctx.root(), "app/target:1", b -> b.target("test"));
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertFile(tree, "base.txt", 0644, 0, 0, "alpha\n");
    assertFile(tree, "test.txt", 0644, 0, 0, "bravo\n");
    boolean finalRan =
        kiln.events().stream()
            .anyMatch(
                e ->
                    e instanceof BuildEvent.StepStarted s
                        && s.step().text().contains("does-not-exist"));
    assertFalse(finalRan, "--target test must not run the final stage");
  }

  @Test
  void buildArgsReachFromEnvCopyAndLabels() throws Exception {
    ContextDir ctx =
        kiln.context()
            .file("a.txt", "alpha\n")
            .file("b.txt", "bravo\n")
            .dockerfile(
                """
                ARG BASE=missing/image:none
                FROM $BASE
                ARG FILE=a.txt
                ARG UNSET
                ENV FROM_ARG=$FILE
                COPY ${FILE} /chosen
                LABEL unset="${UNSET:-default}"
                """);
    UnpackedImage image =
        kiln.pushAndUnpack(
            registry,
            ctx.root(),
            "app/args:1",
            b -> b.buildArg("BASE", "busybox:kiln").buildArg("FILE", "b.txt"));
    assertFile(FileFacts.tree(image.rootfs()), "chosen", 0644, 0, 0, "bravo\n");
    JsonNode c = image.configJson().path("config");
    assertTrue(strings(c, "Env").contains("FROM_ARG=b.txt"), strings(c, "Env").toString());
    assertEquals("default", c.path("Labels").path("unset").asText());
    // dispatchArg records the value the build used.
    assertTrue(createdBy(image.configJson()).contains("ARG FILE=b.txt"));
  }

  @Test
  void platformSetsTheConfigAndTheTargetArgs() throws Exception {
    ContextDir ctx =
        kiln.context()
            .file("arm64.txt", "arm64\n")
            .file("arm.txt", "arm\n")
            .dockerfile(
                """
                FROM scratch
                ARG TARGETPLATFORM
                ARG TARGETARCH
                ARG TARGETVARIANT
                COPY ${TARGETARCH}.txt /arch.txt
                LABEL platform=$TARGETPLATFORM variant=$TARGETVARIANT
                """);
    UnpackedImage arm64 =
        kiln.pushAndUnpack(registry, ctx.root(), "app/arm64:1", b -> b.platform("linux/arm64"));
    assertFile(FileFacts.tree(arm64.rootfs()), "arch.txt", 0644, 0, 0, "arm64\n");
    JsonNode config = arm64.configJson();
    assertEquals("linux", config.path("os").asText());
    assertEquals("arm64", config.path("architecture").asText());
    assertEquals("linux/arm64", config.path("config").path("Labels").path("platform").asText());

    UnpackedImage armv7 =
        kiln.pushAndUnpack(registry, ctx.root(), "app/armv7:1", b -> b.platform("linux/arm/v7"));
    assertFile(FileFacts.tree(armv7.rootfs()), "arch.txt", 0644, 0, 0, "arm\n");
    assertEquals("arm", armv7.configJson().path("architecture").asText());
    assertEquals("v7", armv7.configJson().path("variant").asText());
    assertEquals("v7", armv7.configJson().path("config").path("Labels").path("variant").asText());

    // containerd's Normalize drops arm64's default variant, as BuildKit's finalizeResultImage does.
    UnpackedImage v8 =
        kiln.pushAndUnpack(registry, ctx.root(), "app/v8:1", b -> b.platform("linux/arm64/v8"));
    assertEquals("arm64", v8.configJson().path("architecture").asText());
    assertFalse(v8.configJson().has("variant"), v8.configJson().toString());
  }
}
