package dev.kiln.core.checksum;

import static dev.kiln.core.checksum.Contexts.checksummer;
import static dev.kiln.core.checksum.Contexts.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.cache.store.StorePaths;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatMemoTest {
  @TempDir Path dir;
  private Path ctx;
  private StorePaths store;

  @BeforeEach
  void context() throws IOException {
    ctx = dir.resolve("ctx");
    for (int i = 0; i < 20; i++) {
      file(ctx, "src/f" + i + ".txt", "file " + i);
    }
    store = new StorePaths(dir.resolve("store"));
  }

  /** One "build": a fresh tree over the persisted memo, then the memo saved. */
  private Digest build(Contexts.CountingReader reader) throws IOException {
    StatMemo memo = StatMemo.open(store, ctx);
    Digest d = checksummer(ctx, memo, reader).checksum("");
    memo.save();
    return d;
  }

  @Test
  void anUnchangedContextIsNotReadAgain() throws IOException {
    Contexts.CountingReader first = new Contexts.CountingReader();
    Digest one = build(first);
    assertEquals(20, first.opened.get());

    Contexts.CountingReader second = new Contexts.CountingReader();
    Digest two = build(second);

    assertEquals(one, two);
    assertEquals(0, second.opened.get(), "an unchanged file was read again");
  }

  @Test
  void onlyChangedFilesAreReadAndTheirChangeIsSeen() throws IOException {
    Digest one = build(new Contexts.CountingReader());
    Path f3 = ctx.resolve("src/f3.txt");
    // Same size and mtime: only the change time tells.
    Contexts.keepMtime(f3, () -> Files.writeString(f3, "FILE 3"));

    Contexts.CountingReader second = new Contexts.CountingReader();
    Digest two = build(second);

    assertEquals(1, second.opened.get());
    assertNotEquals(one, two);
  }

  @Test
  void aChmodIsSeenThoughTheContentComesFromTheMemo() throws IOException {
    Digest one = build(new Contexts.CountingReader());
    Files.setPosixFilePermissions(
        ctx.resolve("src/f1.txt"), PosixFilePermissions.fromString("rwx------"));
    Digest two = build(new Contexts.CountingReader());
    assertNotEquals(one, two);
  }

  @Test
  void filesChangedJustNowAreNotMemoised() throws IOException {
    // With the real clock every file here was written within the racy window.
    StatMemo memo = StatMemo.open(store, ctx);
    new TreeChecksummer(
            DirectoryTree.context(
                ctx,
                PatternMatcher.of(List.of()),
                memo,
                ContentReader.FILES,
                CapabilityReader.NONE,
                Clock.systemUTC()))
        .checksum("");
    memo.save();
    assertEquals(0, StatMemo.open(store, ctx).size());
  }

  @Test
  void aDamagedMemoFileIsIgnored() throws IOException {
    build(new Contexts.CountingReader());
    Path file = store.statMemo(ctx);
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);

    assertEquals(0, StatMemo.open(store, ctx).size());
    Contexts.CountingReader reader = new Contexts.CountingReader();
    build(reader);
    assertEquals(20, reader.opened.get());
  }

  @Test
  void twoProcessesSavingMergeTheirRecords() throws IOException {
    StatMemo a = StatMemo.open(store, ctx);
    StatMemo b = StatMemo.open(store, ctx);
    StatStamp sa = new StatStamp(1, 2, 3, 4, 5, 0100644);
    StatStamp sb = new StatStamp(1, 9, 3, 4, 5, 0100644);
    FileContent content = new FileContent(Digest.sha256(new byte[] {1}), new byte[] {7});
    a.record("a", sa, content);
    b.record("b", sb, content);
    a.save();
    b.save();

    StatMemo merged = StatMemo.open(store, ctx);
    assertEquals(Optional.of(content), merged.find("a", sa));
    assertEquals(Optional.of(content), merged.find("b", sb));
    assertEquals(Optional.empty(), merged.find("a", sb), "a different stamp must not match");
  }

  @Test
  void eachContextHasItsOwnMemo() {
    assertNotEquals(store.statMemo(ctx), store.statMemo(dir.resolve("other")));
    assertTrue(store.statMemo(ctx).startsWith(store.statMemoDirectory()));
  }
}
