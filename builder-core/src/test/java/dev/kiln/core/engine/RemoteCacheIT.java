package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.CacheSpec;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.api.request.RegistryLogin;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import dev.kiln.testdata.registry.Credentials;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * --cache-to / --cache-from through a real registry with bearer-token auth, and through a
 * directory: a build on a second, empty store reuses every step and fetches only the blobs it
 * needs.
 */
class RemoteCacheIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.token();

  @TempDir Path temp;

  private static final String DOCKERFILE =
      String.join(
          "\n",
          "FROM busybox:test AS build",
          "RUN echo built > /artifact && mkdir /big && head -c 300000 /dev/urandom > /big/blob",
          "FROM busybox:test",
          "COPY --from=build /artifact /artifact",
          "COPY app.txt /app.txt",
          "CMD [\"cat\", \"/app.txt\"]",
          "");

  @Test
  void aSecondMachineReusesEveryStepFromTheRegistry() throws Exception {
    Path context = context();
    String cacheRef = registry.reference("team/app:buildcache");

    Path storeA = temp.resolve("store-a");
    base(storeA);
    List<BuildEvent> first = new CopyOnWriteArrayList<>();
    BuildResult a =
        build(
            storeA,
            context,
            first::add,
            b -> b.cacheTo(CacheSpec.parse("type=registry,ref=" + cacheRef + ",mode=max", true)));
    assertEquals(0, count(first, BuildEvent.StepCached.class));

    Path storeB = temp.resolve("store-b");
    base(storeB);
    int getsBefore = blobGets();
    List<BuildEvent> second = new CopyOnWriteArrayList<>();
    BuildResult b =
        build(
            storeB,
            context,
            second::add,
            r -> r.cacheFrom(CacheSpec.parse("type=registry,ref=" + cacheRef, false)));
    assertEquals(a.imageDigest(), b.imageDigest(), "the same steps give the same image");
    assertEquals(0, executedSteps(second), "no step runs whose result is cached");
    // mode=max exported the build stage's RUN layer too, but the second build only needs the
    // layers of the final image's steps: the COPY --from key comes from the exported checksum.
    // After the image is written the build stage's RUN layer is fetched too, once, to keep the
    // imported entries in store B's own cache.
    List<String> gets = blobGetLines().subList(getsBefore, blobGetLines().size());
    assertEquals(4, gets.size(), String.join("\n", gets));
    assertTrue(
        gets.get(3).matches(".* 200 3\\d{5}\\b.*"),
        "the 300 kB RUN layer comes last, after the image: " + gets.get(3));
    assertTrue(
        second.stream()
            .anyMatch(
                e ->
                    e instanceof BuildEvent.Note n
                        && n.message().startsWith("kept 3 imported cache entries")
                        && n.message().contains("fetched 1 layer,")),
        second.toString());

    // The same store without --cache-from: every step is a hit of its own cache now, as in
    // BuildKit, which keeps what it loads from an imported cache.
    List<BuildEvent> third = new CopyOnWriteArrayList<>();
    int getsBeforeThird = blobGets();
    BuildResult c = build(storeB, context, third::add, r -> {});
    assertEquals(0, executedSteps(third), "nothing runs on the same store: " + third);
    assertEquals(a.imageDigest(), c.imageDigest());
    assertEquals(getsBeforeThird, blobGets(), "no registry read");
  }

  @Test
  void aDirectoryCacheWorksTheSameWayAndMinModeLeavesOtherStagesOut() throws Exception {
    Path context = context();
    Path cacheDir = temp.resolve("ci-cache");
    Path storeA = temp.resolve("a");
    base(storeA);
    build(
        storeA,
        context,
        e -> {},
        b -> b.cacheTo(CacheSpec.parse("type=local,dest=" + cacheDir, true)));

    Path storeB = temp.resolve("b");
    base(storeB);
    List<BuildEvent> events = new CopyOnWriteArrayList<>();
    build(
        storeB,
        context,
        events::add,
        b -> b.cacheFrom(CacheSpec.parse("type=local,src=" + cacheDir, false)));
    // min mode: the final stage's steps are reused; the build stage is not in the cache, so its
    // RUN executes again.
    List<String> executed = new ArrayList<>();
    for (BuildEvent e : events) {
      if (e instanceof BuildEvent.StepCompleted c && !c.step().text().startsWith("FROM")) {
        executed.add(c.step().text());
      }
    }
    assertTrue(executed.stream().anyMatch(t -> t.startsWith("RUN ")), executed.toString());
    assertTrue(executed.stream().noneMatch(t -> t.startsWith("COPY app.txt")), executed.toString());
  }

  @Test
  void aMissingCacheIsAWarningNotAFailure() throws Exception {
    Path store = temp.resolve("s");
    base(store);
    List<BuildEvent> events = new CopyOnWriteArrayList<>();
    build(
        store,
        context(),
        events::add,
        b -> b.cacheFrom(CacheSpec.parse("type=local,src=" + temp.resolve("nothing"), false)));
    assertTrue(
        events.stream()
            .anyMatch(
                e -> e instanceof BuildEvent.Warning w && w.message().contains("cannot use cache")),
        events.toString());
  }

  private Path context() throws Exception {
    Path context = Files.createDirectories(temp.resolve("ctx"));
    Files.writeString(context.resolve("Dockerfile"), DOCKERFILE);
    Files.writeString(context.resolve("app.txt"), "hello\n");
    return context;
  }

  /** The busybox base, with a fixed time so both stores get the same digest. */
  private void base(Path store) throws Exception {
    Path ctx = Files.createDirectories(temp.resolve("base-" + store.getFileName()));
    Files.copy(BusyboxRootfs.tar(), ctx.resolve("rootfs.tar"));
    Files.writeString(
        ctx.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\nCMD [\"/bin/sh\"]\n");
    new Engine()
        .build(
            BuildRequest.builder(ctx)
                .cacheDir(store)
                .sourceDateEpoch(0)
                .tag("busybox:test")
                .output(OutputSpecParser.parse("type=image"))
                .build(),
            BuildListener.NONE);
  }

  private BuildResult build(
      Path store,
      Path context,
      BuildListener listener,
      java.util.function.Consumer<BuildRequest.Builder> options)
      throws Exception {
    Credentials creds = registry.credentials().orElseThrow();
    BuildRequest.Builder b =
        BuildRequest.builder(context)
            .cacheDir(store)
            .output(OutputSpecParser.parse("type=image"))
            .tag("app:1")
            .plainHttpCredentials(registry.hostPort())
            // The token server is on its own loopback port; Basic credentials go there too.
            .plainHttpCredentials(
                registry.tokenServer().realm().getHost()
                    + ":"
                    + registry.tokenServer().realm().getPort())
            .registryLogin(
                registry.hostPort(), new RegistryLogin(creds.username(), creds.password()))
            .environment(Map.of("HOME", temp.toString(), "PATH", System.getenv("PATH")));
    options.accept(b);
    return new Engine().build(b.build(), listener);
  }

  private static int executedSteps(List<BuildEvent> events) {
    int n = 0;
    for (BuildEvent e : events) {
      if (e instanceof BuildEvent.StepCompleted c && !c.step().text().startsWith("FROM")) {
        n++;
      }
    }
    return n;
  }

  private static long count(List<BuildEvent> events, Class<?> type) {
    return events.stream().filter(type::isInstance).count();
  }

  private int blobGets() {
    return blobGetLines().size();
  }

  /** The registry's access-log lines of blob downloads, in order. */
  private List<String> blobGetLines() {
    return registry
        .log()
        .lines()
        .filter(l -> l.contains("\"GET /v2/") && l.contains("/blobs/sha256:"))
        .filter(l -> !l.startsWith("time="))
        .toList();
  }
}
