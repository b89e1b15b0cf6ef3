package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.AttestationSpec;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.cache.store.UnpackedLayers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A forged base image: its config lists the diffID of an honest image's layer, its blob holds other
 * bytes (another {@code /etc/motd}, another dpkg database). kiln's store keeps what it makes from a
 * layer (index, unpacked directory, package facts) under the diffID, so the forgery must fail the
 * build, naming the image, the blob and both diffIDs, and leave nothing under the claimed diffID;
 * an honest build on the real image afterwards sees the honest files.
 */
class ForgedDiffIdIT {
  private static final String HONEST_STATUS =
      "Package: goodpkg\nStatus: install ok installed\nVersion: 1.0\nArchitecture: amd64\n\n";
  private static final String FORGED_STATUS =
      "Package: evilpkg\nStatus: install ok installed\nVersion: 6.6\nArchitecture: amd64\n\n";

  @TempDir static Path work;
  static BuildHarness dirs;
  static Path honestLayout;
  static Path forgedLayout;
  static String claimed;
  static String forgedBlob;
  static Path honestStackLayout;
  static Path forgedStackLayout;
  static String stackClaimed;
  static String forgedStackBlob;

  @BeforeAll
  static void images() throws Exception {
    dirs = new BuildHarness(work);
    byte[] honest =
        HandmadeLayout.tar(
            HandmadeLayout.list(
                HandmadeLayout.Entry.file("etc/motd", "honest\n"),
                HandmadeLayout.Entry.file("var/lib/dpkg/status", HONEST_STATUS)));
    byte[] forged =
        HandmadeLayout.tar(
            HandmadeLayout.list(
                HandmadeLayout.Entry.file("etc/motd", "forged\n"),
                HandmadeLayout.Entry.file("var/lib/dpkg/status", FORGED_STATUS)));
    claimed = "sha256:" + FileFacts.sha256(honest);
    honestLayout =
        HandmadeLayout.writeTars(dirs.newDir("honest").resolve("layout"), List.of(honest));
    forgedLayout =
        HandmadeLayout.writeForged(dirs.newDir("forged").resolve("layout"), forged, claimed);
    forgedBlob = lastLayerBlob(forgedLayout);

    // A layer with a hard link into the layer below: a RUN stands on a directory made for its
    // stack (named by chain ID), not on the layer's own.
    byte[] honestStack =
        HandmadeLayout.tar(
            HandmadeLayout.list(
                HandmadeLayout.Entry.file("etc/motd", "honest\n"),
                HandmadeLayout.Entry.hardlink("etc/bb", "bin/busybox")));
    byte[] forgedStack =
        HandmadeLayout.tar(
            HandmadeLayout.list(
                HandmadeLayout.Entry.file("etc/motd", "forged\n"),
                HandmadeLayout.Entry.hardlink("etc/bb", "bin/busybox")));
    stackClaimed = "sha256:" + FileFacts.sha256(honestStack);
    honestStackLayout =
        HandmadeLayout.writeTars(
            dirs.newDir("honest-stack").resolve("layout"), List.of(honestStack));
    forgedStackLayout =
        HandmadeLayout.writeForged(
            dirs.newDir("forged-stack").resolve("layout"), forgedStack, stackClaimed);
    forgedStackBlob = lastLayerBlob(forgedStackLayout);
  }

  @Test
  void copyFromAForgedImageFailsWhenTheStoreHasTheHonestIndex() throws Exception {
    BuildHarness kiln = new BuildHarness(dirs.newDir("store-copy-from"));
    ContextDir ctx = new ContextDir(dirs.newDir("ctx")).file("a.txt", "alpha\n");
    // The honest layer gets indexed (a COPY onto it reads it in full, once).
    ctx.dockerfile("FROM oci-layout://" + honestLayout + ":latest\nCOPY a.txt /etc/\n");
    kiln.build(ctx.root(), out(dirs.newDir("out")));
    assertTrue(Files.isRegularFile(layerIndex(kiln.cacheDir())), "the honest layer is indexed");
    List<Path> cachedBefore = cacheEntries(kiln.cacheDir());

    // The forged image claims that diffID; its blob was never read, and the honest index would
    // place the copied file at the same offsets in the forged blob.
    String copyFrom =
        "FROM oci-layout://%s:latest AS src\n"
            + "FROM oci-layout://"
            + honestLayout
            + ":latest\n"
            + "COPY --from=src /etc/motd /copied\n";
    ctx.dockerfile(copyFrom.formatted(forgedLayout));
    BuildFailure failure =
        assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), out(dirs.newDir("out"))));
    assertForgeryNamed(failure, forgedLayout, forgedBlob, claimed);
    assertEquals(cachedBefore, cacheEntries(kiln.cacheDir()), "nothing cached by the forgery");

    // The same COPY from the honest image (same diffIDs, so the same step key) copies its file.
    ctx.dockerfile(copyFrom.formatted(honestLayout));
    Path out = dirs.newDir("out");
    kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=local,dest=" + out)));
    assertEquals("honest\n", Files.readString(out.resolve("copied")));
  }

  @Test
  void aRunOnAForgedStackFailsWhenTheStoreHasTheHonestStackDirectory() throws Exception {
    BuildHarness kiln = new BuildHarness(dirs.newDir("store-stack"));
    ContextDir ctx = new ContextDir(dirs.newDir("ctx"));
    ctx.dockerfile("FROM oci-layout://" + honestStackLayout + ":latest\nRUN cat /etc/motd > /a\n");
    kiln.build(ctx.root(), out(dirs.newDir("out")));
    List<Path> cachedBefore = cacheEntries(kiln.cacheDir());

    // Another command, so the step is not taken from the cache: it needs the stack directory.
    String run = "FROM oci-layout://%s:latest\nRUN cat /etc/motd > /seen\n";
    ctx.dockerfile(run.formatted(forgedStackLayout));
    BuildFailure failure =
        assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), out(dirs.newDir("out"))));
    assertForgeryNamed(failure, forgedStackLayout, forgedStackBlob, stackClaimed);
    assertEquals(cachedBefore, cacheEntries(kiln.cacheDir()), "nothing cached by the forgery");

    ctx.dockerfile(run.formatted(honestStackLayout));
    Path out = dirs.newDir("out");
    kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=local,dest=" + out)));
    assertEquals("honest\n", Files.readString(out.resolve("seen")));
  }

  @Test
  void aCacheMountSeededFromAForgedImageFailsAndTheHonestSeedIsHonest() throws Exception {
    BuildHarness kiln = new BuildHarness(dirs.newDir("store-seed"));
    ContextDir ctx = new ContextDir(dirs.newDir("ctx"));
    // The seeded cache is named by the seed's diffIDs, which the forgery shares with the honest
    // image; it is unpacked from the blobs, no index or directory of the store involved.
    String seeded =
        "FROM oci-layout://"
            + honestLayout
            + ":latest\n"
            + "RUN --mount=type=cache,target=/c,from=oci-layout://%s:latest,source=/etc"
            + " cat /c/motd > /seen\n";
    ctx.dockerfile(seeded.formatted(forgedLayout));
    BuildFailure failure =
        assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), out(dirs.newDir("out"))));
    assertForgeryNamed(failure);

    ctx.dockerfile(seeded.formatted(honestLayout));
    Path out = dirs.newDir("out");
    kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=local,dest=" + out)));
    assertEquals("honest\n", Files.readString(out.resolve("seen")));
  }

  @Test
  void anEditRebuildReadsNoBaseLayerBlobToCheckItsDiffId() throws Exception {
    BuildHarness kiln = new BuildHarness(dirs.newDir("store-edit"));
    ContextDir ctx = new ContextDir(dirs.newDir("ctx")).file("a.txt", "alpha\n");
    // The RUN stands on the base's layer directories, the top one made for its stack.
    ctx.dockerfile(
        "FROM oci-layout://"
            + honestStackLayout
            + ":latest\nCOPY a.txt /etc/\nRUN cat /etc/motd /etc/a.txt > /seen\n");
    kiln.build(ctx.root(), out(dirs.newDir("out")));

    List<Path> baseBlobs = new java.util.ArrayList<>();
    for (String blob : layerBlobs(honestStackLayout)) {
      String hex = blob.substring("sha256:".length());
      for (Path file :
          List.of(
              honestStackLayout.resolve("blobs/sha256").resolve(hex),
              kiln.cacheDir().resolve("blobs/sha256").resolve(hex))) {
        if (Files.exists(file)) {
          baseBlobs.add(file);
          Files.getFileAttributeView(file, java.nio.file.attribute.BasicFileAttributeView.class)
              .setTimes(null, java.nio.file.attribute.FileTime.fromMillis(0), null);
        }
      }
    }
    assertTrue(baseBlobs.size() >= 2, "the base's layer blobs: " + baseBlobs);
    Path probe = baseBlobs.get(0);
    try (var in = Files.newInputStream(probe)) {
      in.read();
    }
    assertFalse(
        accessTime(probe).equals(java.nio.file.attribute.FileTime.fromMillis(0)),
        "this file system records reads (not noatime)");
    Files.getFileAttributeView(probe, java.nio.file.attribute.BasicFileAttributeView.class)
        .setTimes(null, java.nio.file.attribute.FileTime.fromMillis(0), null);

    // Into the store (an export would read the base's files itself).
    ctx.file("a.txt", "beta\n");
    kiln.build(ctx.root(), b -> b.tag("edit:1").output(OutputSpecParser.parse("type=image")));
    List<Path> read =
        baseBlobs.stream()
            .filter(f -> !accessTime(f).equals(java.nio.file.attribute.FileTime.fromMillis(0)))
            .toList();
    assertEquals(List.of(), read, "base layer blobs read by the edit rebuild");

    Path out = dirs.newDir("out");
    kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=local,dest=" + out)));
    assertEquals("honest\nbeta\n", Files.readString(out.resolve("seen")));
  }

  private static java.nio.file.attribute.FileTime accessTime(Path file) {
    try {
      return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class)
          .lastAccessTime();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static List<String> layerBlobs(Path layout) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    String manifest =
        json.readTree(layout.resolve("index.json").toFile())
            .path("manifests")
            .get(0)
            .path("digest")
            .asText();
    List<String> blobs = new java.util.ArrayList<>();
    for (var layer :
        json.readTree(layout.resolve("blobs/sha256").resolve(manifest.substring(7)).toFile())
            .path("layers")) {
      blobs.add(layer.path("digest").asText());
    }
    return blobs;
  }

  private static List<Path> cacheEntries(Path store) throws Exception {
    Path dir = store.resolve("kiln/buildcache");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).sorted().toList();
    }
  }

  /** What reads the forged layer first in a fresh store. */
  enum Reader {
    /** A RUN unpacks it (and indexes it in the same pass). */
    RUN,
    /** A COPY onto the image indexes it. */
    COPY
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Reader.class)
  void aForgedBaseFailsAndLeavesNothingUnderTheClaimedDiffId(Reader reader) throws Exception {
    BuildHarness kiln = new BuildHarness(dirs.newDir("store-" + reader));
    ContextDir ctx = new ContextDir(dirs.newDir("ctx")).file("a.txt", "alpha\n");
    String step = reader == Reader.RUN ? "RUN cat /etc/motd > /seen" : "COPY a.txt /etc/";
    ctx.dockerfile("FROM oci-layout://" + forgedLayout + ":latest\n" + step + "\n");

    BuildFailure failure =
        assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), out(dirs.newDir("out"))));
    assertForgeryNamed(failure);
    assertNothingUnder(kiln.cacheDir());

    // The honest image with the same diffID builds, and a RUN on it sees the honest file.
    ctx.dockerfile("FROM oci-layout://" + honestLayout + ":latest\nRUN cat /etc/motd > /seen\n");
    Path out = dirs.newDir("out");
    kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=local,dest=" + out)));
    assertEquals("honest\n", Files.readString(out.resolve("seen")));
  }

  @Test
  void aStoreHoldingTheHonestLayerKeepsItAndTheForgeryFails() throws Exception {
    BuildHarness kiln = new BuildHarness(dirs.newDir("store-kept"));
    ContextDir ctx = new ContextDir(dirs.newDir("ctx")).file("a.txt", "alpha\n");
    // The honest image's layer is indexed (a COPY onto it), neither unpacked nor scanned.
    ctx.dockerfile("FROM oci-layout://" + honestLayout + ":latest\nCOPY a.txt /etc/\n");
    kiln.build(ctx.root(), out(dirs.newDir("out")));
    Path index = layerIndex(kiln.cacheDir());
    assertTrue(Files.isRegularFile(index), "the honest build indexed the layer");
    byte[] honestIndex = Files.readAllBytes(index);

    // The forgery comes next: its RUN would unpack the layer and its SBOM would scan it.
    ctx.dockerfile("FROM oci-layout://" + forgedLayout + ":latest\nRUN cat /etc/motd > /seen\n");
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    ctx.root(),
                    b -> {
                      out(dirs.newDir("out")).accept(b);
                      b.attest(AttestationSpec.sbom("true").orElseThrow());
                    }));
    assertForgeryNamed(failure);
    assertArrayEquals(honestIndex, Files.readAllBytes(index), "the honest index is kept as it was");
    assertTrue(unpacked(kiln.cacheDir()).isEmpty(), "no directory unpacked from the forgery");
    assertFalse(Files.exists(layerPackages(kiln.cacheDir())), "no package facts from the forgery");

    // SBOM alone (no RUN): the scan reads the layer's files by the honest index, from the
    // forged blob; its facts must not be kept either.
    ctx.dockerfile("FROM oci-layout://" + forgedLayout + ":latest\nCOPY a.txt /etc/\n");
    failure =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    ctx.root(),
                    b -> {
                      out(dirs.newDir("out")).accept(b);
                      b.attest(AttestationSpec.sbom("true").orElseThrow());
                    }));
    assertForgeryNamed(failure);
    assertFalse(Files.exists(layerPackages(kiln.cacheDir())), "no package facts from the forgery");

    // The honest image still builds on what the store holds: its SBOM names its package...
    ctx.dockerfile("FROM oci-layout://" + honestLayout + ":latest\nCOPY a.txt /etc/\n");
    kiln.build(
        ctx.root(),
        b -> {
          out(dirs.newDir("out")).accept(b);
          b.attest(AttestationSpec.sbom("true").orElseThrow());
        });
    assertTrue(
        Files.readString(layerPackages(kiln.cacheDir())).contains("goodpkg"),
        "the honest layer's facts are kept");
    // ...and a RUN on it sees its files.
    ctx.dockerfile("FROM oci-layout://" + honestLayout + ":latest\nRUN cat /etc/motd > /seen\n");
    Path out = dirs.newDir("out");
    kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=local,dest=" + out)));
    assertEquals("honest\n", Files.readString(out.resolve("seen")));
    assertArrayEquals(honestIndex, Files.readAllBytes(index));
  }

  private static java.util.function.Consumer<dev.kiln.api.request.BuildRequest.Builder> out(
      Path dir) {
    return b -> b.output(OutputSpecParser.parse("type=oci,dest=" + dir.resolve("image.tar")));
  }

  private static void assertForgeryNamed(BuildFailure failure) {
    assertForgeryNamed(failure, forgedLayout, forgedBlob, claimed);
  }

  private static void assertForgeryNamed(
      BuildFailure failure, Path layout, String blob, String claimedDiffId) {
    String message = failure.getMessage() + " " + failure.detail().orElse("");
    assertTrue(message.contains(layout.toString()), "names the image: " + message);
    assertTrue(message.contains(blob), "names the blob: " + message);
    assertTrue(message.contains(claimedDiffId), "names the claimed diffID: " + message);
    assertTrue(message.contains("uncompresses to sha256:"), "names the actual diffID: " + message);
    assertTrue(
        failure.hint().orElse("").contains("forged"),
        () -> "says what to do: " + failure.hint() + " " + causes(failure));
  }

  private static String causes(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      b.append(c.getClass().getName()).append(": ").append(c.getMessage()).append(" <- ");
    }
    return b.toString();
  }

  private static void assertNothingUnder(Path store) throws Exception {
    assertFalse(Files.exists(layerIndex(store)), "no index under the claimed diffID");
    assertFalse(Files.exists(layerPackages(store)), "no package facts under the claimed diffID");
    assertTrue(unpacked(store).isEmpty(), "no directory under the claimed diffID");
  }

  private static List<UnpackedLayers.UnpackedLayer> unpacked(Path store) throws Exception {
    String hex = claimed.substring("sha256:".length());
    return UnpackedLayers.list(store).stream()
        .filter(l -> l.leftover() || l.diffIdHex().equals(hex))
        .toList();
  }

  private static Path layerIndex(Path store) {
    return store.resolve("kiln/layer-index/sha256").resolve(claimed.substring(7));
  }

  private static Path layerPackages(Path store) {
    return store.resolve("kiln/layer-packages/sha256").resolve(claimed.substring(7));
  }

  private static String lastLayerBlob(Path layout) throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    String manifest =
        json.readTree(layout.resolve("index.json").toFile())
            .path("manifests")
            .get(0)
            .path("digest")
            .asText();
    var layers =
        json.readTree(layout.resolve("blobs/sha256").resolve(manifest.substring(7)).toFile())
            .path("layers");
    return layers.get(layers.size() - 1).path("digest").asText();
  }
}
