package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's "How a shared registry cache scales", measured: runners that are separate kiln
 * processes, each with its own empty store ({@code --cache-dir}), share one registry cache as the
 * CI examples do. The registry's access log says what each build fetched and pushed; kiln's rawjson
 * events say which steps ran.
 */
class SharedRegistryCacheIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path temp;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One access-log line: method, path, status, bytes sent. */
  private static final Pattern ACCESS =
      Pattern.compile("\"(GET|HEAD|POST|PUT|PATCH|DELETE) (\\S+) HTTP/[^\"]*\" (\\d{3}) (\\d+|-)");

  private static final String DOCKERFILE =
      String.join(
          "\n",
          "FROM busybox:test AS deps",
          "COPY deps.txt /deps.txt",
          "RUN sort /deps.txt > /deps.list && head -c 400000 /dev/urandom > /deps.bin",
          "FROM busybox:test AS build",
          "COPY --from=deps /deps.list /deps.list",
          "COPY src.txt /src.txt",
          "RUN cat /deps.list /src.txt > /app && head -c 100000 /dev/urandom > /app.data",
          "FROM busybox:test",
          "COPY --from=build /app /app",
          "CMD [\"cat\", \"/app\"]",
          "");

  /** What one build did, from the registry's log and kiln's events. */
  record Measured(
      String runner,
      int requests,
      int blobGets,
      long blobBytes,
      int blobGetsBeforeImage,
      long bytesBeforeImage,
      Set<String> blobsFetched,
      int uploads,
      List<String> manifestPuts,
      List<String> ranSteps,
      String digest) {
    Measured named(String name) {
      return new Measured(
          name,
          requests,
          blobGets,
          blobBytes,
          blobGetsBeforeImage,
          bytesBeforeImage,
          blobsFetched,
          uploads,
          manifestPuts,
          ranSteps,
          digest);
    }

    String line() {
      return String.format(
          "%s: %d requests, %d blob GETs (%d bytes; before the image's tag %d, %d bytes),"
              + " %d blob uploads, %d manifest PUTs, ran %s",
          runner,
          requests,
          blobGets,
          blobBytes,
          blobGetsBeforeImage,
          bytesBeforeImage,
          uploads,
          manifestPuts.size(),
          ranSteps);
    }
  }

  @Test
  void runnersWithEmptyStoresRunNoStepAndUploadNothingWithOneRegistryCache() throws Exception {
    String cache = registry.reference("team/app:buildcache");
    Map<String, String> files =
        Map.of("Dockerfile", DOCKERFILE, "deps.txt", "zlib\nlibc\n", "src.txt", "main v1\n");
    List<Measured> all = new ArrayList<>();

    Measured a = build(runner("a"), files, cache, "1");
    all.add(a);
    assertEquals(2, a.ranSteps().stream().filter(s -> s.startsWith("RUN")).count(), a.line());

    String digestA = a.digest();
    Set<String> imageLayers = layers(runner("a"), registry.reference("team/app:1"));
    Set<String> baseLayers = layers(runner("a"), "busybox:test");
    Set<String> ownLayers = new LinkedHashSet<>(imageLayers);
    ownLayers.removeAll(baseLayers);
    assertEquals(1, ownLayers.size(), "the final stage adds one layer: " + imageLayers);

    JsonNode cacheManifest =
        JSON.readTree(runner("a").run("inspect", "--raw", cache).ok().stdout());
    Set<String> cacheBlobs = new LinkedHashSet<>();
    cacheBlobs.add(cacheManifest.path("config").path("digest").asText());
    cacheManifest.path("layers").forEach(l -> cacheBlobs.add(l.path("digest").asText()));

    for (String name : List.of("b", "c")) {
      Measured m = build(runner(name), files, cache, "1");
      all.add(m);
      assertEquals(List.of(), m.ranSteps(), "no step runs on " + name + ": " + m.line());
      assertEquals(digestA, m.digest(), "the same image on " + name);
      assertEquals(0, m.uploads(), "nothing new is uploaded: " + m.line());
      // The image and the unchanged cache are in the registry already: a HEAD each, no PUT.
      assertEquals(List.of(), m.manifestPuts(), "no manifest is written: " + m.line());
      // Before the image's tag is checked, only the cache's manifest and config are read: no
      // layer is needed, since every step is a hit and the image's layers are in the registry.
      assertEquals(1, m.blobGetsBeforeImage(), "only the cache's config: " + m.line());
      // After it, kiln keeps the imported entries in the runner's store and so fetches their
      // layers: every stage's, with mode=max (BuildKit keeps them as lazy references instead).
      assertTrue(
          cacheBlobs.containsAll(m.blobsFetched()),
          "only the cache's blobs are fetched: " + m.blobsFetched() + " of " + cacheBlobs);
      assertTrue(
          m.blobsFetched().stream().noneMatch(baseLayers::contains),
          "the base is in the runner's store, never fetched: " + m.blobsFetched());
    }

    // Runner C changes one source file: the build stage's COPY and RUN and the final COPY rerun,
    // the deps stage stays cached.
    Map<String, String> edited = new java.util.HashMap<>(files);
    edited.put("src.txt", "main v2\n");
    Measured edit = build(runner("c"), edited, cache, "2");
    all.add(edit.named("c (src.txt edited)"));
    assertEquals(
        List.of(
            "COPY src.txt /src.txt",
            "RUN cat /deps.list /src.txt > /app && head -c 100000 /dev/urandom > /app.data",
            "COPY --from=build /app /app",
            "CMD [\"cat\", \"/app\"]"),
        edit.ranSteps(),
        edit.line());
    // What the rerun steps read is in C's store since its first build: only the cache's config is
    // fetched again.
    assertEquals(1, edit.blobGets(), edit.line());

    System.out.println("shared registry cache, per build:");
    all.forEach(m -> System.out.println("  " + m.line()));
  }

  private KilnCli runner(String name) throws Exception {
    Path home = temp.resolve("runner-" + name);
    boolean fresh = !Files.exists(home);
    Files.createDirectories(home);
    KilnCli kiln = new KilnCli(home);
    if (fresh) {
      kiln.buildBusyboxBase();
    }
    return kiln;
  }

  private Measured build(KilnCli kiln, Map<String, String> files, String cache, String tag)
      throws Exception {
    Path context = kiln.context("ctx-" + tag, files);
    int logBefore = accessLines().size();
    KilnCli.Result result =
        kiln.run(
                "build",
                "--progress=rawjson",
                "--cache-dir",
                kiln.cacheDir().toString(),
                "--cache-from",
                "type=registry,ref=" + cache,
                "--cache-to",
                "type=registry,ref=" + cache + ",mode=max",
                "-t",
                registry.reference("team/app:" + tag),
                "--push",
                context.toString())
            .ok();
    List<String> lines = accessLines();
    lines = lines.subList(logBefore, lines.size());
    int blobGets = 0;
    long bytes = 0;
    int uploads = 0;
    Set<String> fetched = new LinkedHashSet<>();
    List<String> puts = new ArrayList<>();
    int getsBeforeImage = -1;
    long bytesBeforeImage = -1;
    for (String line : lines) {
      Matcher m = ACCESS.matcher(line);
      if (!m.find()) {
        continue;
      }
      System.out.println("  " + kiln.home().getFileName() + " " + m.group(0));
      String method = m.group(1);
      String path = m.group(2);
      if (getsBeforeImage < 0 && path.equals("/v2/team/app/manifests/" + tag)) {
        getsBeforeImage = blobGets;
        bytesBeforeImage = bytes;
      }
      if (method.equals("GET") && path.contains("/blobs/sha256:")) {
        blobGets++;
        bytes += m.group(4).equals("-") ? 0 : Long.parseLong(m.group(4));
        fetched.add(path.substring(path.indexOf("sha256:")));
      } else if (method.equals("POST") && path.contains("/blobs/uploads/")) {
        uploads++;
      } else if (method.equals("PUT") && path.contains("/manifests/")) {
        puts.add(path);
      }
    }
    List<String> ran = new ArrayList<>();
    String digest = "";
    for (String line : (result.stdout() + "\n" + result.stderr()).split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonNode event = JSON.readTree(line);
      if (event.path("type").asText().equals("build.completed")) {
        digest = event.path("digest").asText();
      }
      if (event.path("type").asText().equals("step.completed")) {
        String text = event.path("step").path("text").asText();
        if (!text.startsWith("FROM")) {
          ran.add(text);
        }
      }
    }
    System.out.println("fetched by " + kiln.home().getFileName() + ": " + fetched);
    return new Measured(
        kiln.home().getFileName().toString(),
        lines.size(),
        blobGets,
        bytes,
        getsBeforeImage,
        bytesBeforeImage,
        fetched,
        uploads,
        puts,
        ran,
        digest);
  }

  private static Set<String> layers(KilnCli kiln, String image) throws Exception {
    JsonNode manifest = JSON.readTree(kiln.run("inspect", "--raw", image).ok().stdout());
    Set<String> layers = new LinkedHashSet<>();
    manifest.path("layers").forEach(l -> layers.add(l.path("digest").asText()));
    return layers;
  }

  /** The registry's access-log lines so far. */
  private static List<String> accessLines() {
    return registry.log().lines().filter(l -> ACCESS.matcher(l).find()).toList();
  }
}
