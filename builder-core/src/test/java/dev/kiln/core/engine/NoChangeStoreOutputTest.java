package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.cache.store.ContentStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rebuild into the local store that made the same image writes nothing there: the config and
 * manifest blobs it has already are not written (and synced) again, and {@code index.json}, whose
 * name already points at the image, is not rewritten. A rebuild that made another image still
 * stores it and moves the name.
 */
class NoChangeStoreOutputTest {
  @TempDir Path tmp;

  @Test
  void aRebuildOfTheSameImageLeavesTheStoreAsItWas() throws Exception {
    Path ctx = Files.createDirectories(tmp.resolve("ctx"));
    Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY a.txt /\nCMD [\"/a\"]\n");
    Files.writeString(ctx.resolve("a.txt"), "one\n");
    BuildResult first = build(ctx);
    ContentStore store = ContentStore.open(tmp.resolve("cache"));
    Path index = store.paths().indexFile();
    Path blobs = index.resolveSibling("blobs").resolve("sha256");
    Object indexFile = attributes(index).fileKey();
    long blobsChanged = attributes(blobs).lastModifiedTime().toMillis();
    Thread.sleep(50);

    BuildResult same = build(ctx);

    assertEquals(first.imageDigest(), same.imageDigest());
    assertEquals(indexFile, attributes(index).fileKey(), "index.json was rewritten");
    assertEquals(
        blobsChanged,
        attributes(blobs).lastModifiedTime().toMillis(),
        "a blob was written (and removed again) in the blob directory");

    Files.writeString(ctx.resolve("a.txt"), "two\n");
    BuildResult other = build(ctx);
    assertNotEquals(first.imageDigest(), other.imageDigest());
    assertEquals(
        other.imageDigest().orElseThrow(),
        store.index().find("docker.io/library/nochange:test").orElseThrow().digest());
    assertTrue(store.blobReader().contains(other.imageDigest().orElseThrow()));
  }

  private static BasicFileAttributes attributes(Path file) throws Exception {
    return Files.readAttributes(file, BasicFileAttributes.class);
  }

  private BuildResult build(Path ctx) throws Exception {
    return new Engine()
        .build(
            BuildRequest.builder(ctx)
                .cacheDir(tmp.resolve("cache"))
                .tag("nochange:test")
                .output(OutputSpecParser.parse("type=image"))
                .build(),
            e -> {});
  }
}
