package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.CacheSpec;
import dev.kiln.registry.model.Platform;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * buildx flags that used to fail or be ignored (issue 16, items 15 and 16): each now works as in
 * buildx or is refused by name. Builds use FROM scratch and the real engine, so no registry is
 * needed.
 */
class BuildxFlagsTest {
  private final RecordingEngine engine = new RecordingEngine();
  @TempDir Path temp;

  private RecordingEngine.Run recorded(String... args) {
    return engine.run(Map.of(), "", args);
  }

  @Test
  void platformShorthandsReachTheEngineExpanded() {
    var run = recorded("build", "--platform", "local", "--platform", "amd64", ".");
    assertEquals(0, run.exitCode(), run.stderr());
    Platform host = Platform.host();
    assertEquals(List.of(host.toString(), host.os() + "/amd64"), engine.request.platforms());
  }

  @Test
  void misspeltCacheAndOutputOptionsAreRefusedWithASuggestion() {
    var cache =
        recorded("build", "--cache-to", "type=registry,ref=r.example/app:cache,mdoe=max", ".");
    assertEquals(2, cache.exitCode(), cache.stderr());
    assertTrue(cache.stderr().contains("unknown option 'mdoe'"), cache.stderr());
    assertTrue(cache.stderr().contains("did you mean mode?"), cache.stderr());
    var from = recorded("build", "--cache-from", "type=local,srcs=/tmp/c", ".");
    assertEquals(2, from.exitCode(), from.stderr());
    assertTrue(from.stderr().contains("did you mean src?"), from.stderr());
    var output = recorded("build", "-o", "type=oci,dset=out.tar", ".");
    assertEquals(2, output.exitCode(), output.stderr());
    assertTrue(output.stderr().contains("did you mean dest?"), output.stderr());
    var unsupported =
        recorded("build", "--cache-to", "type=local,dest=/tmp/c,compression=zstd", ".");
    assertEquals(2, unsupported.exitCode(), unsupported.stderr());
    assertTrue(
        unsupported.stderr().contains("kiln does not support compression="), unsupported.stderr());
  }

  @Test
  void cacheOptionsBuildxWritesAreUnderstood() {
    var run =
        recorded(
            "build",
            "--cache-to",
            "type=registry,ref=r.example/app:cache,mode=max,ignore-error=true,image-manifest=true,"
                + "oci-mediatypes=true",
            ".");
    assertEquals(0, run.exitCode(), run.stderr());
    CacheSpec spec = engine.request.cacheTo().get(0);
    assertTrue(spec.ignoreError());
    assertTrue(spec.maxMode());
    var off = recorded("build", "--cache-to", "type=registry,ref=r/a:c,image-manifest=false", ".");
    assertEquals(2, off.exitCode(), off.stderr());
  }

  @Test
  void cacheOnlyWritesNoImage() {
    var run = recorded("build", "-o", "type=cacheonly", ".");
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(List.of(), engine.request.outputs());
  }

  @Test
  void ulimitAndShmSizeReachTheRequestAndCgroupParentIsSaidNotToApply() {
    var run =
        recorded(
            "build",
            "--ulimit",
            "nofile=1024:2048",
            "--ulimit",
            "nproc=-1",
            "--shm-size",
            "2g",
            "--cgroup-parent",
            "/kiln",
            ".");
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals(
        List.of(
            new dev.kiln.api.request.Ulimit("nofile", 1024, 2048),
            new dev.kiln.api.request.Ulimit("nproc", -1, -1)),
        engine.request.ulimits());
    assertEquals(2L << 30, engine.request.shmSize());
    assertFalse(run.stderr().contains("--ulimit"), run.stderr());
    assertTrue(
        run.stderr()
            .contains(
                "note: --cgroup-parent /kiln is not applied: kiln creates no cgroup of its own"),
        run.stderr());
    for (String[] bad :
        List.of(
            new String[] {"--ulimit", "nofle=1", "invalid ulimit type 'nofle'"},
            new String[] {"--ulimit", "nofile=lots", "expected NAME=SOFT[:HARD] with numbers"},
            new String[] {
              "--ulimit", "nofile=2048:1024", "soft limit 2048 is above the hard limit"
            },
            new String[] {"--shm-size", "lots", "--shm-size lots: not a size"})) {
      var refused = recorded("build", bad[0], bad[1], ".");
      assertEquals(2, refused.exitCode(), refused.stderr());
      assertTrue(refused.stderr().contains(bad[2]), refused.stderr());
    }
  }

  @Test
  void aContainerfileIsTheDefaultWhenThereIsNoDockerfile() throws Exception {
    Path ctx = Files.createDirectories(temp.resolve("ctx"));
    Files.writeString(ctx.resolve("Containerfile"), "FROM scratch\nMAINTAINER me\n");
    var run =
        RealEngineRun.kiln(temp, new byte[0], RealEngineRun.build(temp, ctx.toString(), "--check"));
    assertTrue(
        run.stderr().contains("WARNING: Containerfile:2: MaintainerDeprecated"), run.stderr());
    assertEquals(1, run.exitCode(), run.stderr());
  }

  @Test
  void aTarOnStdinIsTheContext() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GzipCompressorOutputStream(bytes))) {
      add(tar, "Dockerfile", "FROM scratch\nCOPY app/hello.txt /hello.txt\n", 0644);
      add(tar, "app/hello.txt", "hello from stdin\n", 0640);
    }
    Path out = temp.resolve("out");
    var run =
        RealEngineRun.kiln(
            temp,
            bytes.toByteArray(),
            RealEngineRun.build(temp, "-", "-o", "type=local,dest=" + out));
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("hello from stdin\n", Files.readString(out.resolve("hello.txt")));
    try (var left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      assertFalse(
          left.anyMatch(
              p ->
                  p.getFileName().toString().startsWith("kiln-context-")
                      && p.toFile().lastModified() >= System.currentTimeMillis() - 60_000
                      && Files.exists(p.resolve("app/hello.txt"))),
          "the unpacked context is deleted");
    }
  }

  @Test
  void aTarOnStdinCannotReachOutsideItsDirectoryThroughItsOwnLinks() throws Exception {
    Path canary = Files.createDirectories(temp.resolve("canary"));
    Path file = Files.writeString(canary.resolve("file"), "host file\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    // A directory, whose mode is applied at the end, replaced by a link to a host file.
    ByteArrayOutputStream replaced = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(replaced)) {
      add(tar, "Dockerfile", "FROM scratch\n", 0644);
      TarArchiveEntry dir = new TarArchiveEntry("d/");
      dir.setMode(040777);
      tar.putArchiveEntry(dir);
      tar.closeArchiveEntry();
      link(tar, "d", file.toString());
    }
    var first =
        RealEngineRun.kiln(
            temp,
            replaced.toByteArray(),
            RealEngineRun.build(temp, "-", "-o", "type=local,dest=" + temp.resolve("out1")));
    assertEquals(0, first.exitCode(), first.stderr());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));

    // A link to a host directory, then an entry below it.
    ByteArrayOutputStream below = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(below)) {
      add(tar, "Dockerfile", "FROM scratch\n", 0644);
      link(tar, "esc", canary.toString());
      add(tar, "esc/made/inside.txt", "x\n", 0644);
    }
    var second =
        RealEngineRun.kiln(
            temp,
            below.toByteArray(),
            RealEngineRun.build(temp, "-", "-o", "type=local,dest=" + temp.resolve("out2")));
    assertEquals(2, second.exitCode(), second.stderr());
    assertTrue(second.stderr().contains("esc/made/inside.txt"), second.stderr());
    try (var entries = Files.list(canary)) {
      assertEquals(List.of(file), entries.toList(), "nothing is made in the host directory");
    }
  }

  private static void link(TarArchiveOutputStream tar, String name, String target)
      throws Exception {
    TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
    e.setLinkName(target);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  @Test
  void aDockerfileOnStdinBuildsWithAnEmptyContext() throws Exception {
    Path out = temp.resolve("out");
    var run =
        RealEngineRun.kiln(
            temp,
            "FROM scratch\nCOPY <<EOF /made.txt\nmade\nEOF\n".getBytes(StandardCharsets.UTF_8),
            RealEngineRun.build(temp, "-", "-o", "type=local,dest=" + out));
    assertEquals(0, run.exitCode(), run.stderr());
    assertEquals("made\n", Files.readString(out.resolve("made.txt")));
  }

  @Test
  void ignoreErrorKeepsTheBuildWhenTheCacheExportFails() throws Exception {
    Path ctx = Files.createDirectories(temp.resolve("ctx"));
    Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY a.txt /a.txt\n");
    Files.writeString(ctx.resolve("a.txt"), "a\n");
    Path blocked = Files.writeString(temp.resolve("not-a-dir"), "a file where a directory goes");
    Path out = temp.resolve("out");
    var run =
        RealEngineRun.kiln(
            temp,
            new byte[0],
            RealEngineRun.build(
                temp,
                ctx.toString(),
                "--cache-to",
                "type=local,dest=" + blocked.resolve("cache") + ",ignore-error=true",
                "-o",
                "type=local,dest=" + out));
    assertEquals(0, run.exitCode(), run.stderr());
    assertTrue(run.stderr().contains("failed, ignored (ignore-error=true)"), run.stderr());
    assertEquals("a\n", Files.readString(out.resolve("a.txt")));
  }

  private static void add(TarArchiveOutputStream tar, String name, String text, int mode)
      throws Exception {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    e.setMode(mode);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }
}
