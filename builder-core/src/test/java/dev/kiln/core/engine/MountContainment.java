package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.NamedContext;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.registry.LocalRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Dockerfile must not reach the host through {@code RUN --mount}: every mount source is a path
 * inside its own root (context, named context, stage, image, cache seed), symlinks included. Each
 * test plants a symlink that points at a canary directory outside every root, in a stage, the
 * context, a named context, a store image or a registry image, and asks a mount for it, to read and
 * to write. The canary holds a secret that must never appear in a step's output, and it must be
 * exactly as it was afterwards. Subclasses run this with each isolation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class MountContainment {
  private static final String FROM = "FROM " + RunFixture.BUSYBOX + "\n";

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  private RunFixture kiln;
  private Path canary;
  private String secret;
  private List<String> canaryBefore;

  abstract String isolation();

  @BeforeAll
  void installBase(@TempDir Path work) throws Exception {
    kiln = new RunFixture(work, isolation(), "copy");
    kiln.installBusybox();
  }

  @BeforeEach
  void plantCanary() throws IOException {
    canary = kiln.newDir("canary");
    secret = "canary-" + UUID.randomUUID();
    Files.writeString(canary.resolve("secret.txt"), secret + "\n");
    Files.setLastModifiedTime(canary.resolve("secret.txt"), FileTime.fromMillis(1_000_000L));
    Files.setLastModifiedTime(canary, FileTime.fromMillis(1_000_000L));
    canaryBefore = listing(canary);
  }

  @AfterEach
  void canaryIsUntouched() throws IOException {
    assertEquals(canaryBefore, listing(canary), "the canary outside every root was changed");
    assertEquals(secret + "\n", Files.readString(canary.resolve("secret.txt")));
    assertTrue(
        kiln.output().stream().noneMatch(line -> line.contains(secret)),
        "a step printed the canary's secret: " + kiln.output());
  }

  /** A stage holding {@code /esc -> canary}. */
  private String evilStage() {
    return FROM.replace("\n", " AS evil\n") + "RUN ln -s " + canary + " /esc\n";
  }

  @Test
  void aStageSymlinkDoesNotLetABindReadTheHost() {
    refused(
        evilStage()
            + FROM
            + "RUN --mount=type=bind,from=evil,source=esc,target=/m cat /m/secret.txt\n",
        b -> {},
        "not found in stage evil");
  }

  @Test
  void aStageSymlinkDoesNotLetAReadWriteBindWriteTheHost() {
    refused(
        evilStage()
            + FROM
            + "RUN --mount=type=bind,from=evil,source=esc,target=/m,rw sh -c 'echo x > /m/f'\n",
        b -> {},
        "not found in stage evil");
  }

  @Test
  void aStageSymlinkDoesNotLetACacheMountWriteTheHost() {
    refused(
        evilStage()
            + FROM
            + "RUN --mount=type=cache,id=esc-"
            + UUID.randomUUID()
            + ",from=evil,source=esc,target=/c sh -c 'echo x > /c/f'\n",
        b -> {},
        "not found in stage evil");
  }

  @Test
  void aContextSymlinkToAnAbsoluteHostPathIsNotFound() throws IOException {
    Path ctx =
        context(
            FROM + "RUN --mount=type=bind,source=esc,target=/m cat /m/secret.txt\n",
            Map.of("esc", canary.toString()));
    refused(ctx, b -> {}, "not found in the build context");
    Path rw =
        context(
            FROM + "RUN --mount=type=bind,source=esc,target=/m,rw sh -c 'echo x > /m/f'\n",
            Map.of("esc", canary.toString()));
    refused(rw, b -> {}, "not found in the build context");
  }

  @Test
  void aContextFileSymlinkIsNotFollowedToTheHost() throws IOException {
    Path ctx =
        context(
            FROM + "RUN --mount=type=bind,source=secret,target=/s cat /s\n",
            Map.of("secret", canary.resolve("secret.txt").toString()));
    refused(ctx, b -> {}, "not found in the build context");
  }

  @Test
  void contextSymlinksUpwardsStopAtTheContextRoot() throws Exception {
    // The context lives inside the canary, so "..", "../.." and "/" on the host are the canary.
    Path ctx = Files.createDirectory(canary.resolve("ctx"));
    Files.writeString(
        ctx.resolve("Dockerfile"),
        FROM
            + "RUN --mount=type=bind,source=up,target=/m ls /m > /up\n"
            + "RUN --mount=type=bind,source=upup,target=/m ls /m > /upup\n"
            + "RUN --mount=type=bind,source=root,target=/m ls /m > /root-link\n"
            + "RUN --mount=type=bind,source=up,target=/m,rw sh -c 'echo x > /m/f; ls /m > /rw'\n");
    Files.writeString(ctx.resolve("mine.txt"), "mine\n");
    Files.createSymbolicLink(ctx.resolve("up"), Path.of(".."));
    Files.createSymbolicLink(ctx.resolve("upup"), Path.of("../.."));
    Files.createSymbolicLink(ctx.resolve("root"), Path.of("/"));
    List<String> contextBefore = listing(ctx);
    canaryBefore = listing(canary);
    RunImage image = kiln.build(ctx, b -> {});
    String contextFiles = "Dockerfile\nmine.txt\nroot\nup\nupup";
    assertEquals(contextFiles, image.text("/up"));
    assertEquals(contextFiles, image.text("/upup"));
    assertEquals(contextFiles, image.text("/root-link"));
    assertEquals("Dockerfile\nf\nmine.txt\nroot\nup\nupup", image.text("/rw"));
    assertEquals(contextBefore, listing(ctx), "a read-write bind wrote into the context");
  }

  @Test
  void aNamedContextSymlinkIsNotFollowedToTheHost() throws IOException {
    Path named = kiln.newDir("named");
    Files.createSymbolicLink(named.resolve("esc"), canary);
    Path ctx =
        context(
            FROM
                + "RUN --mount=type=bind,from=named,source=esc,target=/m,rw"
                + " sh -c 'cat /m/secret.txt; echo x > /m/f'\n",
            Map.of());
    refused(
        ctx,
        b -> b.buildContext(new NamedContext.Directory("named", named)),
        "not found in build context named");
  }

  @Test
  void aStoreImageSymlinkIsNotFollowedToTheHost() throws Exception {
    String image = "kiln.test/evil:" + UUID.randomUUID().toString().substring(0, 8);
    kiln.request(
        kiln.context(evilStage(), Map.of()),
        b -> b.tag(image).output(dev.kiln.api.request.OutputSpecParser.parse("type=image")));
    refused(
        FROM + "RUN --mount=type=bind,from=" + image + ",source=esc,target=/m cat /m/secret.txt\n",
        b -> {},
        "not found in image " + image);
  }

  @Test
  void aRegistryImageSymlinkIsNotFollowedToTheHost() throws Exception {
    RunImage evil = kiln.build(evilStage());
    String repository = "evil/esc-" + UUID.randomUUID().toString().substring(0, 8) + ":1";
    ImageInspector.of(registry).push(evil.layout(), "image", repository);
    String reference = registry.reference(repository);
    refused(
        FROM
            + "RUN --mount=type=cache,id=reg-"
            + UUID.randomUUID()
            + ",from="
            + reference
            + ",source=esc,target=/c sh -c 'echo x > /c/f'\n"
            + "RUN --mount=type=bind,from="
            + reference
            + ",source=esc,target=/m cat /m/secret.txt\n",
        b -> {},
        "not found in image " + reference);
  }

  @Test
  void linksInsideTheSourceStillWorkInsideIt() throws Exception {
    // Containment must not break legitimate links: /lnk -> /etc in a stage is that stage's /etc.
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir -p /data && echo stage > /data/file && ln -s /data /lnk"
                + " && ln -s ../data/file /data-file\n"
                + "FROM "
                + RunFixture.BUSYBOX
                + "\n"
                + "COPY --from=0 /data /data\n"
                + "RUN --mount=type=bind,from=0,source=lnk,target=/m cat /m/file > /via-dir\n"
                + "RUN --mount=type=bind,from=0,source=data-file,target=/f cat /f > /via-file\n");
    assertEquals("stage", image.text("/via-dir"));
    assertEquals("stage", image.text("/via-file"));
  }

  private Path context(String dockerfile, Map<String, String> symlinks) throws IOException {
    Path ctx = kiln.context(dockerfile, Map.of());
    for (var link : symlinks.entrySet()) {
      Files.createSymbolicLink(ctx.resolve(link.getKey()), Path.of(link.getValue()));
    }
    return ctx;
  }

  private void refused(
      String dockerfile, Consumer<dev.kiln.api.request.BuildRequest.Builder> o, String expected) {
    refused(kiln.context(dockerfile, Map.of()), o, expected);
  }

  private void refused(
      Path ctx, Consumer<dev.kiln.api.request.BuildRequest.Builder> options, String expected) {
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx, options));
    String text =
        failure.getMessage()
            + "\n"
            + failure.detail().orElse("")
            + "\n"
            + failure.hint().orElse("");
    assertTrue(text.contains(expected), text);
    assertFalse(text.contains(secret), text);
  }

  private static List<String> listing(Path dir) throws IOException {
    try (Stream<Path> all = Files.walk(dir)) {
      return all.map(
              p -> {
                try {
                  return dir.relativize(p)
                      + " "
                      + Files.getLastModifiedTime(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                      + " "
                      + (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                          ? new String(Files.readAllBytes(p), StandardCharsets.UTF_8)
                          : "");
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sorted()
          .toList();
    }
  }
}
