package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.cache.store.ContentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine resolves the images of every stage the target needs at once, as soon as the Dockerfile
 * is compiled, and each step waits only for its own: the registry round trips of a later stage's
 * base overlap the earlier stages. What a build reports does not change: an image of a stage the
 * target does not need is never asked for, and a needed base that cannot be resolved fails its own
 * FROM, with its location.
 */
class BaseImagePrefetchTest {
  @TempDir Path tmp;
  private final List<BuildEvent> events = Collections.synchronizedList(new ArrayList<>());

  @Test
  void theBasesOfStagesThatRunOneAfterTheOtherAreResolvedAtTheSameTime() throws Exception {
    try (HoldingFakeRegistry registry = new HoldingFakeRegistry(Duration.ofSeconds(5))) {
      registry.image("one", "one.txt", "from one\n");
      registry.image("two", "two.txt", "from two\n");
      // The second stage copies from the first, so the scheduler runs them one after the other:
      // only resolving both bases up front gets the second manifest request in while the first
      // is held.
      BuildResult result =
          build(
              registry,
              """
              FROM %1$s/one:1 AS one
              FROM %1$s/two:1
              COPY --from=one /one.txt /copied.txt
              """);
      assertTrue(result.imageDigest().isPresent());
      assertTrue(
          registry.releasedWhileHolding,
          "the second base was asked for only after the first was answered: "
              + registry.manifestRequests);
      assertEquals(List.of("one", "two"), registry.manifestRequests.stream().sorted().toList());
    }
  }

  @Test
  void anImageOfAStageTheTargetDoesNotNeedIsNeverAskedFor() throws Exception {
    try (HoldingFakeRegistry registry = new HoldingFakeRegistry(Duration.ZERO)) {
      registry.image("two", "two.txt", "from two\n");
      registry.failing("broken");
      BuildResult result =
          build(
              registry,
              """
              FROM %1$s/broken:1 AS unused
              COPY --from=%1$s/broken:1 /x /x

              FROM %1$s/two:1 AS wanted
              COPY --from=%1$s/two:1 /two.txt /again.txt

              FROM %1$s/broken:1
              """,
              b -> b.target("wanted"));
      assertTrue(result.imageDigest().isPresent());
      assertEquals(List.of("two"), registry.manifestRequests.stream().distinct().toList());
    }
  }

  @Test
  void aNeededBaseItsRegistryFailsFailsItsOwnFromWithItsLocation() throws Exception {
    try (HoldingFakeRegistry registry = new HoldingFakeRegistry(Duration.ZERO)) {
      registry.image("one", "one.txt", "from one\n");
      registry.failing("broken");
      BuildFailure failure =
          assertThrows(
              BuildFailure.class,
              () ->
                  build(
                      registry,
                      """
                      FROM %1$s/one:1 AS one

                      FROM %1$s/broken:1
                      COPY --from=one /one.txt /copied.txt
                      """));
      assertTrue(
          failure.getMessage().contains("Dockerfile:3"),
          "the failure names the FROM it belongs to: " + failure.getMessage());
      assertTrue(
          failure.getMessage().contains("500"),
          "the failure says what the registry answered: " + failure.getMessage());
      // The first stage ran, as it would without the early resolution: the failure is the
      // second stage's, reported when it starts.
      assertTrue(
          events.stream()
              .anyMatch(
                  e ->
                      e instanceof BuildEvent.StepCompleted c
                          && c.step().text().contains("/one:1")),
          "the first stage's FROM completed: " + events);
    }
  }

  private BuildResult build(HoldingFakeRegistry registry, String dockerfile) throws Exception {
    return build(registry, dockerfile, b -> {});
  }

  private BuildResult build(
      HoldingFakeRegistry registry, String dockerfile, Consumer<BuildRequest.Builder> more)
      throws Exception {
    Path ctx = Files.createDirectories(tmp.resolve("ctx"));
    // The fake speaks plain HTTP only: say so, as a first build against it would have found out,
    // so that the client does not wait for a TLS handshake it never answers.
    Path plain = ContentStore.open(tmp.resolve("cache")).paths().plainHttpRegistries();
    Files.createDirectories(plain.getParent());
    Files.writeString(plain, registry.host() + "\n");
    Files.writeString(ctx.resolve("Dockerfile"), dockerfile.formatted(registry.host()));
    BuildRequest.Builder b =
        BuildRequest.builder(ctx)
            .cacheDir(tmp.resolve("cache"))
            .tag("prefetch:test")
            .output(OutputSpecParser.parse("type=image"))
            .insecureRegistry(registry.host());
    more.accept(b);
    events.clear();
    return new Engine().build(b.build(), events::add);
  }
}
