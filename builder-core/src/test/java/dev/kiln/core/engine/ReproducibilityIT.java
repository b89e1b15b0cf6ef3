package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.image.ImageInspector;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same Dockerfile and sources, checked out twice, must give the same image.
 *
 * <p>The two checkouts differ in everything that is not the source: their absolute paths, the order
 * their files were created in (so directory listing order differs), the owner of the files on the
 * host, and the files' modification times. The two builds run in separate processes with different
 * umasks, time zones and locales, each with a fresh content store. File modes are the same in both
 * checkouts: like BuildKit, kiln treats a file's mode as part of its content (a checkout made under
 * umask 077 that really has 0600 files is a different source).
 */
class ReproducibilityIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** SOURCE_DATE_EPOCH for the reproducible builds (2001-09-09T01:46:40Z). */
  private static final long EPOCH = 1_000_000_000L;

  @TempDir Path work;

  @Test
  void sourceDateEpochGivesTheSameDigestAcrossCheckoutsUmasksAndClocks() throws Exception {
    long now = System.currentTimeMillis() / 1000;
    Checkout a = checkout(work.resolve("a/src/project"), false, now - 86_400, 0);
    Checkout b = checkout(work.resolve("elsewhere/b"), true, now - 3_600, 1234);

    Build first = build(a, "0022", "UTC", "C", work.resolve("out-a"), EPOCH);
    Build second = build(b, "0077", "Pacific/Chatham", "de_DE.UTF-8", work.resolve("out-b"), EPOCH);

    assertEquals(first.digest(), second.digest(), "same sources, same SOURCE_DATE_EPOCH");
    assertEquals(first.manifest(), second.manifest());
    assertEquals("2001-09-09T01:46:40Z", first.config().path("created").asText());
    first
        .config()
        .path("history")
        .forEach(
            h ->
                assertEquals(
                    first.config().path("created").asText(),
                    h.path("created").asText(),
                    h.toString()));
    // And the image is a real one: umoci unpacks it.
    Path rootfs =
        ImageInspector.unpackLayout(first.layout(), "1", work.resolve("unpacked")).rootfs();
    assertTrue(Files.isRegularFile(rootfs.resolve("app/src/run.sh")));
    assertEquals(
        EPOCH,
        Files.getLastModifiedTime(rootfs.resolve("app/src/run.sh"), LinkOption.NOFOLLOW_LINKS)
                .toMillis()
            / 1000,
        "file times newer than SOURCE_DATE_EPOCH are clamped to it");
  }

  @Test
  void withoutSourceDateEpochOnlyTheCreatedFieldsDiffer() throws Exception {
    long mtime = 1_500_000_000L;
    Checkout a = checkout(work.resolve("a/src/project"), false, mtime, 0);
    Checkout b = checkout(work.resolve("elsewhere/b"), true, mtime, 1234);

    // Two builds an hour apart, on the engine's clock.
    Build first = build(a, "0022", "UTC", "C", work.resolve("out-a"), null, 1_700_000_000L);
    Build second =
        build(
            b,
            "0077",
            "Pacific/Chatham",
            "de_DE.UTF-8",
            work.resolve("out-b"),
            null,
            1_700_003_600L);

    assertNotEquals(
        first.config().path("created").asText(), second.config().path("created").asText());
    assertEquals(
        first.manifest().path("layers"),
        second.manifest().path("layers"),
        "the layers do not depend on when the build ran");
    assertEquals(withoutCreated(first.config()), withoutCreated(second.config()));
  }

  // ---- checkouts ----

  /** Where a checkout's two contexts are. */
  record Checkout(Path base, Path app) {}

  /** What one build produced. */
  record Build(String digest, Path layout, JsonNode manifest, JsonNode config) {}

  private static Checkout checkout(Path root, boolean reverse, long mtime, int owner)
      throws Exception {
    Path base = root.resolve("base");
    Path app = root.resolve("app");
    Files.createDirectories(base);
    Files.createDirectories(app);
    Files.copy(BusyboxRootfs.tar(), base.resolve("rootfs.tar"));
    Files.writeString(
        base.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\nCMD [\"/bin/sh\"]\n");

    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put(
        "Dockerfile",
        """
        FROM busybox:kiln AS build
        COPY src/ /src/
        ADD vendor.tar.gz /vendor/
        FROM busybox:kiln
        WORKDIR /app
        COPY --from=build /src ./src
        COPY --from=build /vendor /opt/vendor
        COPY --chown=1000:1000 conf/ /etc/app/
        COPY <<EOF /app/VERSION
        1.0
        EOF
        ENV MODE=prod
        CMD ["/app/src/run.sh"]
        """
            .getBytes(StandardCharsets.UTF_8));
    files.put("src/run.sh", "#!/bin/sh\n. /app/src/lib/util.sh\n".getBytes(StandardCharsets.UTF_8));
    files.put("src/lib/util.sh", "util() { :; }\n".getBytes(StandardCharsets.UTF_8));
    files.put("src/lib/data.bin", new byte[] {0, 1, 2, 3, (byte) 0xff});
    files.put("conf/app.conf", "mode=prod\n".getBytes(StandardCharsets.UTF_8));
    files.put("vendor.tar.gz", AddIT.gzip(AddIT.tar()));
    List<String> order = new ArrayList<>(files.keySet());
    if (reverse) {
      Collections.reverse(order);
    }
    for (String name : order) {
      Path file = app.resolve(name);
      Files.createDirectories(file.getParent());
      Files.write(file, files.get(name));
      Files.setAttribute(file, "unix:mode", name.endsWith(".sh") ? 0755 : 0644);
    }
    Files.createSymbolicLink(app.resolve("src/link"), Path.of("run.sh"));
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.setAttribute(p, "unix:mode", 0755);
        }
        Files.setAttribute(p, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", owner, LinkOption.NOFOLLOW_LINKS);
        Files.getFileAttributeView(
                p, java.nio.file.attribute.BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .setTimes(FileTime.fromMillis(mtime * 1000), null, null);
      }
    }
    return new Checkout(base, app);
  }

  /** Runs {@link IsolatedBuild} in a child JVM with the given umask, time zone and locale. */
  private Build build(Checkout c, String umask, String tz, String lang, Path out, Long epoch)
      throws IOException {
    return build(c, umask, tz, lang, out, epoch, 1_700_000_000L);
  }

  /** The same, with the child's engine on a clock fixed at {@code now} (epoch seconds). */
  private Build build(
      Checkout c, String umask, String tz, String lang, Path out, Long epoch, long now)
      throws IOException {
    Path cache = out.resolve("cache");
    Path layout = out.resolve("layout");
    Files.createDirectories(out);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        List.of(
            "sh",
            "-c",
            "umask " + umask + " && cd \"$0\" && exec \"$@\"",
            out.toString(),
            java,
            "-cp",
            System.getProperty("java.class.path"),
            IsolatedBuild.class.getName(),
            c.base().toString(),
            c.app().toString(),
            cache.toString(),
            layout.toString(),
            epoch == null ? "-" : epoch.toString(),
            Long.toString(now));
    ProcessRunner.Result result =
        ProcessRunner.run(
                command, Map.of("TZ", tz, "LANG", lang, "LC_ALL", lang), Duration.ofMinutes(3))
            .requireSuccess();
    String digest = result.stdout().trim();
    JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
    assertEquals(digest, index.path("manifests").get(0).path("digest").asText());
    JsonNode manifest = JSON.readTree(blob(layout, digest));
    JsonNode config = JSON.readTree(blob(layout, manifest.path("config").path("digest").asText()));
    return new Build(digest, layout, manifest, config);
  }

  private static byte[] blob(Path layout, String digest) throws IOException {
    String[] parts = digest.split(":", 2);
    return Files.readAllBytes(layout.resolve("blobs").resolve(parts[0]).resolve(parts[1]));
  }

  private static JsonNode withoutCreated(JsonNode config) {
    ObjectNode copy = config.deepCopy();
    copy.remove("created");
    copy.path("history").forEach(h -> ((ObjectNode) h).remove("created"));
    return copy;
  }
}
