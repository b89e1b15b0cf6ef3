package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A build whose target copies the whole context ({@code COPY . .}) starts checksumming it at once,
 * while its base is still being resolved, instead of after the steps before the COPY.
 */
class EarlyContextChecksumTest {
  @TempDir Path tmp;

  @Test
  void theContextIsReadWhileTheBaseIsStillBeingResolved() throws Exception {
    try (HoldingFakeRegistry registry = new HoldingFakeRegistry(Duration.ofSeconds(5))) {
      registry.image("base", "base.txt", "base\n");
      Path ctx = Files.createDirectories(tmp.resolve("ctx"));
      Files.writeString(
          ctx.resolve("Dockerfile"),
          "FROM %s/base:1\nWORKDIR /app\nCOPY . .\n".formatted(registry.host()));
      Path source = ctx.resolve("main.c");
      Files.writeString(source, "int main(void) { return 0; }\n");
      // An access time before the modification time moves on the first read (relatime, and
      // strictatime), which is how the test sees that the context was read; stat does not move it.
      Files.getFileAttributeView(source, BasicFileAttributeView.class)
          .setTimes(null, FileTime.fromMillis(0), null);
      registry.holdFirstManifestUntil(() -> accessed(source).toMillis() > 0);

      BuildResult result = build(registry, ctx);

      assertTrue(result.imageDigest().isPresent());
      assertTrue(
          registry.releasedWhileHolding, "the context was read only after the base was resolved");
    }
  }

  @Test
  void onlyACopyOfTheWholeContextStartsIt() {
    assertTrue(EarlyContextChecksum.copiesWholeContext(plan("FROM scratch\nCOPY . /app/\n")));
    assertTrue(EarlyContextChecksum.copiesWholeContext(plan("FROM scratch\nCOPY ./ /app/\n")));
    assertTrue(EarlyContextChecksum.copiesWholeContext(plan("FROM scratch\nADD a / /app/\n")));
    assertFalse(EarlyContextChecksum.copiesWholeContext(plan("FROM scratch\nCOPY a.c /app/\n")));
    assertFalse(
        EarlyContextChecksum.copiesWholeContext(
            plan("FROM scratch AS other\nCOPY . .\nFROM scratch\nCOPY --from=busybox . .\n")),
        "a pruned stage's COPY and a COPY --from do not read the context");
  }

  private static BuildPlan plan(String dockerfile) {
    return BuildPlan.compile(dockerfile.getBytes(StandardCharsets.UTF_8), BuildOptions.defaults());
  }

  private static FileTime accessed(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).lastAccessTime();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private BuildResult build(HoldingFakeRegistry registry, Path ctx) throws Exception {
    Path plain = ContentStore.open(tmp.resolve("cache")).paths().plainHttpRegistries();
    Files.createDirectories(plain.getParent());
    Files.writeString(plain, registry.host() + "\n");
    return new Engine()
        .build(
            BuildRequest.builder(ctx)
                .cacheDir(tmp.resolve("cache"))
                .tag("early:test")
                .output(OutputSpecParser.parse("type=image"))
                .insecureRegistry(registry.host())
                .build(),
            e -> {});
  }
}
