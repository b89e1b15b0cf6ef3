package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.RepositoryRoot;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.image.ImageInspector;
import dev.kiln.testdata.image.UnpackedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kiln build} run by an unprivileged user ({@code nobody}, through {@code setpriv}), as a CI
 * job without root runs it: the whole engine, not only the sandbox. With a single id mapping the
 * step runs as root of its user namespace, layers are unpacked without owners or devices, and what
 * the step writes (owned by {@code nobody} on disk) must land in the layer as root's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RootlessBuildIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NOBODY = "65534";

  private Path work;
  private Path jar;

  private ProcessRunner.Result asNobody(String... args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "setpriv",
                "--reuid=" + NOBODY,
                "--regid=" + NOBODY,
                "--clear-groups",
                "env",
                "-i",
                "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=" + work.resolve("home"),
                "LC_ALL=C.UTF-8",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString()));
    command.addAll(List.of(args));
    return ProcessRunner.run(command, Map.of(), Duration.ofMinutes(5));
  }

  private static void root(String... command) {
    ProcessRunner.run(List.of(command)).requireSuccess();
  }

  @BeforeAll
  void prepare(@TempDir Path dir) throws Exception {
    work = dir;
    // Everything nobody reads must be reachable by it: the temp dir, a copy of the jar (the
    // checkout may sit under a private home), and its own home with kiln's store.
    root("chmod", "0755", dir.toString());
    jar = dir.resolve("kiln.jar");
    Files.copy(RepositoryRoot.resolve("cli/target/kiln.jar"), jar);
    Path base = Files.createDirectories(dir.resolve("base"));
    Files.copy(
        RepositoryRoot.resolve("testdata/images/busybox/Dockerfile"), base.resolve("Dockerfile"));
    Files.copy(
        BusyboxRootfs.tar(), base.resolve("rootfs.tar"), StandardCopyOption.REPLACE_EXISTING);
    Path context = Files.createDirectories(dir.resolve("context"));
    Files.writeString(context.resolve("note.txt"), "from the context\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM busybox:kiln\n"
            + "RUN mkdir -p /srv/app && echo made > /srv/app/made && chmod 0750 /srv/app"
            + " && rm /etc/group && id -u > /srv/app/uid\n"
            + "RUN cat /srv/app/made > /srv/app/again"
            // A read-only tree, as /proc and /sys are in most images: kiln, not root outside the
            // step, must still be able to delete the snapshot afterwards.
            + " && mkdir -p /ro/sub && touch /ro/sub/f && chmod 0555 /ro/sub /ro\n"
            + "RUN true\n"
            + "COPY note.txt /srv/app/\n");
    Files.createDirectories(dir.resolve("home"));
    root("chown", "-R", NOBODY + ":" + NOBODY, dir.toString());
    ProcessRunner.Result r = asNobody("build", "-q", "-t", "busybox:kiln", base.toString());
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
  }

  @ParameterizedTest
  @ValueSource(strings = {"chroot", "oci"})
  void anUnprivilegedUserBuildsWithRunAndGetsRootOwnedLayers(String isolation) throws Exception {
    Path layout = work.resolve("layout-" + isolation);
    ProcessRunner.Result r = build(isolation, layout, "--no-cache");
    assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    String progress = r.stderr();
    assertTrue(progress.contains("RUN snapshots copy"), progress);
    assertTrue(progress.contains("RUN isolation " + isolation), progress);

    JsonNode manifest = JSON.readTree(ImageInspector.manifestOfLayout(layout, "rootless"));
    // base, two RUNs that changed something, COPY; "RUN true" adds none.
    JsonNode layers = manifest.path("layers");
    assertEquals(4, layers.size(), manifest.toString());
    for (int i = 1; i < layers.size(); i++) {
      for (TarArchiveEntry e : entries(layout, layers.get(i).path("digest").asText())) {
        assertEquals(
            "0:0",
            e.getLongUserId() + ":" + e.getLongGroupId(),
            "layer " + i + " entry " + e.getName() + " belongs to root, not to nobody");
      }
    }
    List<String> first = names(entries(layout, layers.get(1).path("digest").asText()));
    assertTrue(first.contains("etc/.wh.group"), "the deletion is a whiteout: " + first);
    List<String> second = names(entries(layout, layers.get(2).path("digest").asText()));
    assertEquals(
        List.of("ro/", "ro/sub/", "ro/sub/f", "srv/", "srv/app/", "srv/app/again"), second);

    UnpackedImage image =
        ImageInspector.unpackLayout(
            layout, "rootless", Files.createDirectories(work.resolve("u-" + isolation)));
    Path app = image.rootfs().resolve("srv/app");
    assertEquals("0", Files.readString(app.resolve("uid")).strip(), "the step ran as root");
    assertEquals("made", Files.readString(app.resolve("again")).strip());
    assertEquals("from the context", Files.readString(app.resolve("note.txt")).strip());
    assertEquals(
        "rwxr-x---",
        java.nio.file.attribute.PosixFilePermissions.toString(
            Files.getPosixFilePermissions(app, LinkOption.NOFOLLOW_LINKS)));
    assertFalse(Files.exists(image.rootfs().resolve("etc/group"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.exists(image.rootfs().resolve("etc/passwd"), LinkOption.NOFOLLOW_LINKS));

    // Nothing of the build is left behind, read-only directories included.
    try (var left = Files.list(work.resolve("home/.cache/kiln/tmp"))) {
      assertEquals(List.of(), left.toList());
    }

    // The same build again comes from the cache, unprivileged too.
    ProcessRunner.Result again = build(isolation, work.resolve("again-" + isolation));
    assertEquals(0, again.exitCode(), again.stdout() + again.stderr());
    assertTrue(again.stderr().contains("0 steps run"), again.stderr());
  }

  private ProcessRunner.Result build(String isolation, Path layout, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "build",
                "--progress=plain",
                "--debug", // the notes on sandbox and snapshotter on every build
                "--isolation=" + isolation,
                "-t",
                "image:rootless",
                "-o",
                "type=oci,tar=false,dest=" + layout));
    args.addAll(List.of(extra));
    args.add(work.resolve("context").toString());
    return asNobody(args.toArray(String[]::new));
  }

  private static List<TarArchiveEntry> entries(Path layout, String digest) throws IOException {
    Path blob = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
    List<TarArchiveEntry> out = new ArrayList<>();
    try (InputStream in = new GZIPInputStream(Files.newInputStream(blob));
        TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        out.add(e);
      }
    }
    return out;
  }

  private static List<String> names(List<TarArchiveEntry> entries) {
    return entries.stream().map(TarArchiveEntry::getName).toList();
  }
}
