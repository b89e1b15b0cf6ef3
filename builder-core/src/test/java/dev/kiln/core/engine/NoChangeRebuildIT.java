package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.cache.buildcache.StoredEntry;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "no-change rebuild" claims, end to end: a second build with nothing changed resolves
 * every key without running a step, extracts no layer, reads no layer blob, makes the same image,
 * and its push to a registry that already has it uploads no blob, sends no manifest, and asks at
 * most three questions.
 *
 * <p>Reads are observed through access times: every blob's atime is set to the epoch, which is
 * before its modification time, so under the default {@code relatime} (and {@code strictatime}) the
 * first read of a blob moves it forward, while {@code stat} and {@code utimensat} do not.
 */
class NoChangeRebuildIT {
  @RegisterExtension final LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path tmp;

  private static final String DOCKERFILE =
      """
      FROM busybox:test AS tools
      WORKDIR /src
      COPY gen.sh .
      RUN sh gen.sh > /tool.out

      FROM busybox:test
      ARG VERSION=1
      ENV APP_HOME=/app
      WORKDIR /app
      COPY app/ ./
      COPY --from=tools /tool.out ./tool.out
      RUN <<EOF
      cat tool.out main.txt > combined
      EOF
      RUN --mount=type=cache,target=/root/.cache echo "$VERSION" > version
      USER 1000
      CMD ["cat", "/app/combined"]
      """;

  private static final Pattern ACCESS =
      Pattern.compile("\"(GET|HEAD|PUT|POST|PATCH|DELETE) (/v2/\\S*) HTTP/[0-9.]+\"");

  @Test
  void aRebuildWithNothingChangedRunsNothingReadsNoLayerAndPushesNothing() throws Exception {
    BusyboxBuilds builds = BusyboxBuilds.create(tmp);
    Path ctx = builds.dir("ctx");
    Files.writeString(ctx.resolve("Dockerfile"), DOCKERFILE);
    Files.writeString(ctx.resolve("gen.sh"), "echo generated tool output\n");
    Files.createDirectories(ctx.resolve("app/conf"));
    Files.writeString(ctx.resolve("app/main.txt"), "main\n");
    Files.writeString(ctx.resolve("app/conf/app.conf"), "key=value\n");
    String reference = registry.reference("kiln/nochange:1");

    BusyboxBuilds.Built first = builds.build(request(ctx, reference));
    assertTrue(first.table().lines().noneMatch(l -> l.startsWith("hit ")), first.table());
    assertEquals(1, first.result().pushed().size(), first.result().toString());

    Path cache = builds.cacheDir();
    ContentStore store = ContentStore.open(cache);
    Map<String, FileTime> layerDirs = entriesWithTimes(cache.resolve("layers"));
    assertFalse(layerDirs.isEmpty(), "the first build unpacked layers for its RUN steps");
    Set<Digest> layerBlobs = layerBlobs(store);
    Set<String> blobsBefore = names(cache.resolve("blobs/sha256"));
    setAllAccessTimesToTheEpoch(cache.resolve("blobs/sha256"));
    assertReadsAreVisible(cache);
    int logFrom = registry.log().length();

    BusyboxBuilds.Built second = builds.build(request(ctx, reference));

    // Every step but FROM (which resolves the base: manifest and config only) came from the cache.
    for (String line : second.table().lines().toList()) {
      boolean from = line.matches("\\S+ \\[[^]]*] FROM .*");
      assertTrue(line.startsWith(from ? "ran " : "hit "), second.table());
    }
    assertEquals(0, second.result().stepsExecuted());
    assertEquals(first.table().lines().count() - 2, second.result().stepsCached());
    assertTrue(
        second.log().events().stream().noneMatch(e -> e instanceof BuildEvent.StepOutput),
        "no step printed anything");
    assertTrue(
        second.log().events().stream().noneMatch(e -> e instanceof BuildEvent.Note),
        "no sandbox or snapshotter was even chosen: " + second.log().events());
    assertEquals(first.result().imageDigest(), second.result().imageDigest());
    assertEquals(first.result().pushed(), second.result().pushed());

    assertEquals(layerDirs, entriesWithTimes(cache.resolve("layers")), "no layer was extracted");
    List<String> read = new ArrayList<>();
    for (Digest blob : layerBlobs) {
      if (!accessTime(store.paths().blob(blob)).equals(FileTime.fromMillis(0))) {
        read.add(blob.toString());
      }
    }
    assertEquals(List.of(), read, "layer blobs read by the rebuild");
    assertEquals(blobsBefore, names(cache.resolve("blobs/sha256")), "no blob was written");

    List<String> requests = new ArrayList<>();
    Matcher m = ACCESS.matcher(registry.log().substring(logFrom));
    while (m.find()) {
      requests.add(m.group(1) + " " + m.group(2));
    }
    assertTrue(
        requests.stream().noneMatch(r -> r.matches("(PUT|POST|PATCH|DELETE) .*")),
        "the push changed nothing in the registry: " + requests);
    System.out.println("requests of the no-change push: " + requests);
    System.out.println(
        "build took " + elapsed(first) + " ms, the no-change rebuild " + elapsed(second) + " ms");
    assertFalse(requests.isEmpty(), "the push asked the registry whether the tag is current");
    assertTrue(requests.size() <= 3, "at most 3 requests for the push: " + requests);
  }

  private static long elapsed(BusyboxBuilds.Built built) {
    return built.log().events().stream()
        .filter(e -> e instanceof BuildEvent.BuildCompleted)
        .map(e -> ((BuildEvent.BuildCompleted) e).elapsed().toMillis())
        .findFirst()
        .orElseThrow();
  }

  private BuildRequest.Builder request(Path ctx, String reference) {
    return BuildRequest.builder(ctx)
        .tag(reference)
        .output(OutputSpecParser.parse("type=registry"))
        .insecureRegistry(registry.hostPort());
  }

  /** Every layer blob the store knows of: of the images it names, and of every cache entry. */
  private static Set<Digest> layerBlobs(ContentStore store) throws Exception {
    Set<Digest> layers = new TreeSet<>((a, b) -> a.toString().compareTo(b.toString()));
    for (IndexEntry image : store.index().entries()) {
      ImageManifest manifest =
          ImageManifest.parse(store.blobReader().readAllBytes(image.digest()), image.mediaType());
      for (Descriptor layer : manifest.layers()) {
        layers.add(layer.digest());
      }
    }
    for (StoredEntry entry : BuildCache.open(store).entries()) {
      for (CachedLayer layer : entry.entry().orElseThrow().result().layers()) {
        layers.add(layer.blob().digest());
      }
    }
    assertTrue(layers.size() >= 5, "base layers and the build's own: " + layers);
    return layers;
  }

  private static void setAllAccessTimesToTheEpoch(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        Files.getFileAttributeView(file, java.nio.file.attribute.BasicFileAttributeView.class)
            .setTimes(null, FileTime.fromMillis(0), null);
      }
    }
  }

  /** Fails when this file system does not record reads (mounted noatime), which would blind us. */
  private static void assertReadsAreVisible(Path dir) throws Exception {
    Path probe = Files.writeString(dir.resolve("atime-probe"), "probe");
    try {
      Files.getFileAttributeView(probe, java.nio.file.attribute.BasicFileAttributeView.class)
          .setTimes(null, FileTime.fromMillis(0), null);
      Files.readAllBytes(probe);
      assertFalse(
          accessTime(probe).equals(FileTime.fromMillis(0)),
          "the file system under " + dir + " does not record reads (noatime?)");
    } finally {
      Files.delete(probe);
    }
  }

  private static FileTime accessTime(Path file) throws Exception {
    return Files.readAttributes(file, BasicFileAttributes.class).lastAccessTime();
  }

  private static Map<String, FileTime> entriesWithTimes(Path dir) throws Exception {
    Map<String, FileTime> out = new TreeMap<>();
    out.put(".", Files.getLastModifiedTime(dir));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        out.put(file.getFileName().toString(), Files.getLastModifiedTime(file));
      }
    }
    return out;
  }

  private static Set<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return new TreeSet<>(files.map(f -> f.getFileName().toString()).toList());
    }
  }
}
