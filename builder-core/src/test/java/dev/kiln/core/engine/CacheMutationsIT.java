package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The build cache's mutation suite: build, change one thing, build again, and assert for every step
 * whether it came from the cache ({@code hit}) or ran ({@code ran}), exactly. FROM always reads
 * "ran": it resolves the base (manifest and config, no layer) and is not a cached step.
 */
class CacheMutationsIT {
  @TempDir Path tmp;
  private BusyboxBuilds builds;
  private Path ctx;

  @BeforeEach
  void setUp() throws Exception {
    builds = BusyboxBuilds.create(tmp);
    ctx = builds.dir("ctx");
  }

  private BuildRequest.Builder request() {
    return BuildRequest.builder(ctx);
  }

  private void dockerfile(String text) throws Exception {
    Files.writeString(ctx.resolve("Dockerfile"), text);
  }

  private Path write(String path, String content) throws Exception {
    Path file = ctx.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
    return file;
  }

  private static final String TWO_COPIES =
      """
      FROM busybox:test
      COPY a.txt /a.txt
      COPY b.txt /b.txt
      RUN cat /a.txt /b.txt > /both
      """;

  @Test
  void contentEditWithTheSameSizeAndModificationTimeMisses() throws Exception {
    dockerfile(TWO_COPIES);
    write("a.txt", "alpha\n");
    Path b = write("b.txt", "bravo\n");
    FileTime mtime = FileTime.from(Instant.parse("2020-01-01T00:00:00Z"));
    Files.setLastModifiedTime(b, mtime);
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        ran [2/4] COPY a.txt /a.txt
        ran [3/4] COPY b.txt /b.txt
        ran [4/4] RUN cat /a.txt /b.txt > /both
        """,
        builds.build(request()).table());

    Files.writeString(b, "BRAVO\n");
    Files.setLastModifiedTime(b, mtime);
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        ran [3/4] COPY b.txt /b.txt
        ran [4/4] RUN cat /a.txt /b.txt > /both
        """,
        second.table());
    assertEquals("alpha\nBRAVO\n", second.file("both"));
  }

  @Test
  void touchWithoutEditHits() throws Exception {
    dockerfile(TWO_COPIES);
    write("a.txt", "alpha\n");
    Path b = write("b.txt", "bravo\n");
    BusyboxBuilds.Built first = builds.build(request());

    Files.setLastModifiedTime(b, FileTime.from(Instant.now().plusSeconds(3600)));
    BusyboxBuilds.Built second = builds.build(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        hit [3/4] COPY b.txt /b.txt
        hit [4/4] RUN cat /a.txt /b.txt > /both
        """,
        second.table());
    assertEquals(first.result().imageDigest(), second.result().imageDigest());
  }

  private static final String COPY_DIR =
      """
      FROM busybox:test
      COPY a.txt /a.txt
      COPY dir/ /dir/
      RUN ls -l /dir > /listing
      """;

  @Test
  void renameInsideACopiedDirectoryMisses() throws Exception {
    dockerfile(COPY_DIR);
    write("a.txt", "alpha\n");
    write("dir/sub/x.txt", "x\n");
    builds.build(request());

    Files.move(ctx.resolve("dir/sub/x.txt"), ctx.resolve("dir/sub/y.txt"));
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        ran [3/4] COPY dir/ /dir/
        ran [4/4] RUN ls -l /dir > /listing
        """,
        second.table());
    assertTrue(Files.exists(second.files().resolve("dir/sub/y.txt")));
    assertTrue(Files.notExists(second.files().resolve("dir/sub/x.txt")));
  }

  @Test
  void chmodMisses() throws Exception {
    dockerfile(COPY_DIR);
    write("a.txt", "alpha\n");
    Path x = write("dir/x.sh", "echo x\n");
    Files.setPosixFilePermissions(x, PosixFilePermissions.fromString("rw-r--r--"));
    builds.build(request());

    Files.setPosixFilePermissions(x, PosixFilePermissions.fromString("rwxr-xr-x"));
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        ran [3/4] COPY dir/ /dir/
        ran [4/4] RUN ls -l /dir > /listing
        """,
        second.table());
    assertTrue(second.file("listing").contains("-rwxr-xr-x"), second.file("listing"));
  }

  @Test
  void symlinkRetargetMisses() throws Exception {
    dockerfile(COPY_DIR);
    write("a.txt", "alpha\n");
    write("dir/x.txt", "x\n");
    write("dir/y.txt", "y\n");
    Files.createSymbolicLink(ctx.resolve("dir/link"), Path.of("x.txt"));
    builds.build(request());

    Files.delete(ctx.resolve("dir/link"));
    Files.createSymbolicLink(ctx.resolve("dir/link"), Path.of("y.txt"));
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        ran [3/4] COPY dir/ /dir/
        ran [4/4] RUN ls -l /dir > /listing
        """,
        second.table());
    assertEquals(Path.of("y.txt"), Files.readSymbolicLink(second.files().resolve("dir/link")));
  }

  @Test
  void newFileMatchedByDockerignoreHits() throws Exception {
    dockerfile(
        """
        FROM busybox:test
        COPY . /ctx/
        RUN ls -R /ctx > /listing
        """);
    write(".dockerignore", "**/*.log\n");
    write("a.txt", "alpha\n");
    write("dir/keep.txt", "kept\n");
    builds.build(request());

    write("debug.log", "noise\n");
    write("dir/also.log", "noise\n");
    BusyboxBuilds.Built second = builds.build(request());
    assertEquals(
        """
        ran [1/3] FROM busybox:test
        hit [2/3] COPY . /ctx/
        hit [3/3] RUN ls -R /ctx > /listing
        """,
        second.table());
  }

  @Test
  void ownerOfAContextFileDoesNotCount() throws Exception {
    dockerfile(TWO_COPIES);
    write("a.txt", "alpha\n");
    Path b = write("b.txt", "bravo\n");
    builds.build(request());

    Files.setAttribute(b, "unix:uid", 1234);
    Files.setAttribute(b, "unix:gid", 4321);
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        hit [3/4] COPY b.txt /b.txt
        hit [4/4] RUN cat /a.txt /b.txt > /both
        """,
        builds.build(request()).table());
  }

  @Test
  void aUsedBuildArgMissesFromTheStepThatReadsItAndAnUnusedOneWarnsAndHits() throws Exception {
    dockerfile(
        """
        FROM busybox:test
        ARG USED=one
        COPY a.txt /a.txt
        RUN echo "$USED" > /used
        """);
    write("a.txt", "alpha\n");
    builds.build(request());

    BusyboxBuilds.Built unused = builds.build(request().buildArg("NOT_DECLARED", "x"));
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] ARG USED=one
        hit [3/4] COPY a.txt /a.txt
        hit [4/4] RUN echo "$USED" > /used
        """,
        unused.table());
    List<BuildEvent.Warning> warnings = unused.log().warnings();
    assertEquals(1, warnings.size(), warnings.toString());
    assertTrue(warnings.get(0).message().contains("\"NOT_DECLARED\""), warnings.toString());
    assertTrue(warnings.get(0).message().contains("not consumed"), warnings.toString());

    BusyboxBuilds.Built used = builds.buildAndExport(request().buildArg("USED", "two"));
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] ARG USED=one
        hit [3/4] COPY a.txt /a.txt
        ran [4/4] RUN echo "$USED" > /used
        """,
        used.table());
    assertEquals("two\n", used.file("used"));
    assertTrue(used.log().warnings().isEmpty(), used.log().warnings().toString());
  }

  @Test
  void aBuildArgReachesTheHistoryOfARunAfterACachedArg() throws Exception {
    // The ARG step is a hit when only the value changes; the RUN after it still records the
    // argument in its history, as a build without cache would.
    dockerfile(
        """
        FROM busybox:test
        ARG USED=one
        RUN echo "$USED" > /used
        """);
    builds.build(request());
    BusyboxBuilds.Built cachedArg = builds.build(request().buildArg("USED", "two"));
    assertEquals(
        """
        ran [1/3] FROM busybox:test
        hit [2/3] ARG USED=one
        ran [3/3] RUN echo "$USED" > /used
        """,
        cachedArg.table());
    BusyboxBuilds.Built uncached = builds.build(request().buildArg("USED", "two").noCache(true));
    assertEquals(lastCreatedBy(uncached), lastCreatedBy(cachedArg));
    assertTrue(lastCreatedBy(cachedArg).startsWith("RUN |1 USED=two "), lastCreatedBy(cachedArg));
  }

  @Test
  void baseImageDigestChangeMissesEverything() throws Exception {
    dockerfile(TWO_COPIES);
    write("a.txt", "alpha\n");
    write("b.txt", "bravo\n");
    builds.build(request());

    builds.buildBase("2");
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        ran [2/4] COPY a.txt /a.txt
        ran [3/4] COPY b.txt /b.txt
        ran [4/4] RUN cat /a.txt /b.txt > /both
        """,
        second.table());
    assertEquals("2\n", second.file("etc/base-version"));
  }

  @Test
  void copyFromAnImageKeysOnItsDigest() throws Exception {
    dockerfile(
        """
        FROM scratch
        COPY a.txt /a.txt
        COPY --from=busybox:test /etc/base-version /base-version
        """);
    write("a.txt", "alpha\n");
    builds.build(request());

    builds.buildBase("2");
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/3] FROM scratch
        hit [2/3] COPY a.txt /a.txt
        ran [3/3] COPY --from=busybox:test /etc/base-version /base-version
        """,
        second.table());
    assertEquals("2\n", second.file("base-version"));
  }

  @Test
  void aNewFileMatchingACopyWildcardMisses() throws Exception {
    dockerfile(
        """
        FROM busybox:test
        COPY a.txt /a.txt
        COPY conf/*.conf /conf/
        RUN ls /conf > /listing
        """);
    write("a.txt", "alpha\n");
    write("conf/one.conf", "1\n");
    write("conf/notes.md", "not matched\n");
    builds.build(request());

    write("conf/notes2.md", "still not matched\n");
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        hit [3/4] COPY conf/*.conf /conf/
        hit [4/4] RUN ls /conf > /listing
        """,
        builds.build(request()).table());

    write("conf/two.conf", "2\n");
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        ran [3/4] COPY conf/*.conf /conf/
        ran [4/4] RUN ls /conf > /listing
        """,
        second.table());
    assertEquals("one.conf\ntwo.conf\n", second.file("listing"));
  }

  @Test
  void sourceDateEpochGivesTheSameImageWhateverTheCacheHolds() throws Exception {
    dockerfile(TWO_COPIES);
    write("a.txt", "alpha\n");
    write("b.txt", "bravo\n");
    BusyboxBuilds fresh = BusyboxBuilds.create(tmp.resolve("fresh"));
    Digest reproducible =
        fresh.build(request().sourceDateEpoch(0)).result().imageDigest().orElseThrow();

    builds.build(request());
    BusyboxBuilds.Built withEpoch = builds.build(request().sourceDateEpoch(0));
    assertEquals(reproducible, withEpoch.result().imageDigest().orElseThrow(), withEpoch.table());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        hit [3/4] COPY b.txt /b.txt
        hit [4/4] RUN cat /a.txt /b.txt > /both
        """,
        builds.build(request().sourceDateEpoch(0)).table());
  }

  @Test
  void aNewLayerCompressionIsHonouredOverCachedLayers() throws Exception {
    dockerfile(TWO_COPIES);
    write("a.txt", "alpha\n");
    write("b.txt", "bravo\n");
    builds.build(request());

    BusyboxBuilds.Built zstd =
        builds.build(request().output(OutputSpecParser.parse("type=image,compression=zstd")));
    ImageManifest manifest = builds.manifest(zstd);
    List<Descriptor> layers = manifest.layers();
    // The base's own layer is as it was built; the three this Dockerfile adds are zstd.
    for (Descriptor layer : layers.subList(layers.size() - 3, layers.size())) {
      assertTrue(MediaType.isZstdLayer(layer.mediaType()), layer.toString());
    }
  }

  @Test
  void heredocBodyChangeMissesItsStep() throws Exception {
    String template =
        """
        FROM busybox:test
        COPY a.txt /a.txt
        RUN <<EOF
        echo %s > /run-heredoc
        EOF
        COPY <<EOF /copy-heredoc
        %s
        EOF
        """;
    write("a.txt", "alpha\n");
    dockerfile(template.formatted("one", "uno"));
    builds.build(request());

    dockerfile(template.formatted("one", "dos"));
    BusyboxBuilds.Built copyBody = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        hit [3/4] RUN <<EOF
        ran [4/4] COPY <<EOF /copy-heredoc
        """,
        copyBody.table());
    assertEquals("dos\n", copyBody.file("copy-heredoc"));

    dockerfile(template.formatted("two", "dos"));
    BusyboxBuilds.Built runBody = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        ran [3/4] RUN <<EOF
        ran [4/4] COPY <<EOF /copy-heredoc
        """,
        runBody.table());
    assertEquals("two\n", runBody.file("run-heredoc"));
  }

  @Test
  void secretValueChangeHits() throws Exception {
    dockerfile(
        """
        FROM busybox:test
        RUN --mount=type=secret,id=s test -s /run/secrets/s && echo ok > /ok
        """);
    Path secret = builds.dir("secrets").resolve("s.txt");
    Files.writeString(secret, "first value\n");
    SecretSpec spec = SecretSpec.parse("id=s,src=" + secret);
    builds.build(request().secret(spec));

    Files.writeString(secret, "second, longer value\n");
    assertEquals(
        """
        ran [1/2] FROM busybox:test
        hit [2/2] RUN --mount=type=secret,id=s test -s /run/secrets/s && echo ok > /ok
        """,
        builds.build(request().secret(spec)).table());
  }

  @Test
  void cacheMountContentChangeHits() throws Exception {
    dockerfile(
        """
        FROM busybox:test
        RUN --mount=type=cache,id=c,target=/cache ls /cache > /seen
        """);
    builds.build(request());
    Path mounts = builds.cacheDir().resolve("mounts/cache");
    List<Path> dirs;
    try (Stream<Path> list = Files.list(mounts)) {
      dirs = list.filter(Files::isDirectory).toList();
    }
    assertEquals(1, dirs.size(), dirs.toString());
    Files.writeString(dirs.get(0).resolve("new-entry"), "changed between builds\n");

    assertEquals(
        """
        ran [1/2] FROM busybox:test
        hit [2/2] RUN --mount=type=cache,id=c,target=/cache ls /cache > /seen
        """,
        builds.build(request()).table());
  }

  @Test
  void chownChangeMisses() throws Exception {
    String template =
        """
        FROM busybox:test
        COPY a.txt /a.txt
        COPY --chown=%s b.txt /b.txt
        RUN stat -c %%u:%%g /b.txt > /owner
        """;
    write("a.txt", "alpha\n");
    write("b.txt", "bravo\n");
    dockerfile(template.formatted("1:1"));
    builds.build(request());

    dockerfile(template.formatted("2:2"));
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/4] FROM busybox:test
        hit [2/4] COPY a.txt /a.txt
        ran [3/4] COPY --chown=2:2 b.txt /b.txt
        ran [4/4] RUN stat -c %u:%g /b.txt > /owner
        """,
        second.table());
    assertEquals("2:2\n", second.file("owner"));
  }

  private static final String GENERATED =
      """
      FROM busybox:test AS gen
      COPY gen.sh /gen.sh
      RUN sh /gen.sh > /out.txt

      FROM busybox:test
      COPY a.txt /a.txt
      COPY --from=gen /out.txt /out.txt
      RUN cat /out.txt > /final
      """;

  @Test
  void copyFromAStageThatRebuiltToIdenticalOutputHitsDownstream() throws Exception {
    dockerfile(GENERATED);
    write("a.txt", "alpha\n");
    write("gen.sh", "# version 1 of the generator\necho generated\n");
    BusyboxBuilds.Built first = builds.build(request());

    write("gen.sh", "# version 2: only this comment changed\necho generated\n");
    BusyboxBuilds.Built second = builds.build(request());
    assertEquals(
        """
        ran [gen 1/3] FROM busybox:test AS gen
        ran [gen 2/3] COPY gen.sh /gen.sh
        ran [gen 3/3] RUN sh /gen.sh > /out.txt
        ran [stage-1 1/4] FROM busybox:test
        hit [stage-1 2/4] COPY a.txt /a.txt
        hit [stage-1 3/4] COPY --from=gen /out.txt /out.txt
        hit [stage-1 4/4] RUN cat /out.txt > /final
        """,
        second.table());
    assertEquals(first.result().imageDigest(), second.result().imageDigest());
  }

  @Test
  void noCacheRunsEveryStep() throws Exception {
    dockerfile(GENERATED);
    write("a.txt", "alpha\n");
    write("gen.sh", "echo generated\n");
    builds.build(request());

    BusyboxBuilds.Built second = builds.build(request().noCache(true));
    assertTrue(second.table().lines().allMatch(l -> l.startsWith("ran ")), second.table());
    assertEquals(7, second.table().lines().count(), second.table());
  }

  @Test
  void noCacheFilterRunsOnlyThatStage() throws Exception {
    dockerfile(GENERATED);
    write("a.txt", "alpha\n");
    write("gen.sh", "echo generated\n");
    BusyboxBuilds.Built first = builds.build(request());

    BusyboxBuilds.Built second = builds.build(request().noCacheFilter("gen"));
    assertEquals(
        """
        ran [gen 1/3] FROM busybox:test AS gen
        ran [gen 2/3] COPY gen.sh /gen.sh
        ran [gen 3/3] RUN sh /gen.sh > /out.txt
        ran [stage-1 1/4] FROM busybox:test
        hit [stage-1 2/4] COPY a.txt /a.txt
        hit [stage-1 3/4] COPY --from=gen /out.txt /out.txt
        hit [stage-1 4/4] RUN cat /out.txt > /final
        """,
        second.table());
    assertEquals(first.result().imageDigest(), second.result().imageDigest());
  }

  @Test
  void aLinkedCopyIsReusedWhenAnEarlierStepChangesAndWhatFollowsSeesTheNewState() throws Exception {
    // COPY --link makes its layer on nothing and puts it on top (BuildKit's copy onto scratch,
    // then merge): its key is its own inputs, not the steps before it.
    dockerfile(
        """
        FROM busybox:test
        COPY a.txt /a.txt
        WORKDIR /app
        COPY --link b.txt sub/
        RUN cat /a.txt sub/b.txt > /both
        """);
    write("a.txt", "alpha\n");
    write("b.txt", "bravo\n");
    BusyboxBuilds.Built first = builds.build(request());

    write("a.txt", "ALPHA\n");
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/5] FROM busybox:test
        ran [2/5] COPY a.txt /a.txt
        ran [3/5] WORKDIR /app
        hit [4/5] COPY --link b.txt sub/
        ran [5/5] RUN cat /a.txt sub/b.txt > /both
        """,
        second.table());
    assertEquals("ALPHA\nbravo\n", second.file("both"));
    List<Descriptor> before = builds.manifest(first).layers();
    List<Descriptor> after = builds.manifest(second).layers();
    assertEquals(before.get(before.size() - 2), after.get(after.size() - 2), "the same layer");

    // Another WORKDIR is another destination: the linked copy runs again.
    dockerfile(
        """
        FROM busybox:test
        COPY a.txt /a.txt
        WORKDIR /srv
        COPY --link b.txt sub/
        RUN cat /a.txt sub/b.txt > /both
        """);
    BusyboxBuilds.Built moved = builds.buildAndExport(request());
    assertTrue(moved.table().contains("ran [4/5] COPY --link b.txt sub/"), moved.table());
    assertEquals("ALPHA\nbravo\n", moved.file("both"));
  }

  @Test
  void aNoCacheFilterBuildLeavesNothingToRunForTheNextPlainBuild() throws Exception {
    // Stages a and b share their first step (same base, same WORKDIR: one key, one entry).
    // Re-running it for a under --no-cache-filter gives an identical layer at a new time; that
    // must neither change b's keys nor the image of a build that runs nothing.
    dockerfile(
        """
        FROM busybox:test AS a
        WORKDIR /work
        RUN echo a > a.txt

        FROM busybox:test AS b
        WORKDIR /work
        RUN echo b > b.txt

        FROM b
        COPY --from=a /work/a.txt /a.txt
        """);
    BusyboxBuilds.Built first = builds.build(request());
    BusyboxBuilds.Built filtered = builds.build(request().noCacheFilter("a"));
    assertEquals(
        byStage(
            """
        ran [a 1/3] FROM busybox:test AS a
        ran [a 2/3] WORKDIR /work
        ran [a 3/3] RUN echo a > a.txt
        ran [b 1/3] FROM busybox:test AS b
        hit [b 2/3] WORKDIR /work
        hit [b 3/3] RUN echo b > b.txt
        ran [stage-2 1/2] FROM b
        hit [stage-2 2/2] COPY --from=a /work/a.txt /a.txt
        """),
        byStage(filtered.table()));

    BusyboxBuilds.Built plain = builds.build(request());
    assertEquals(
        byStage(
            """
        ran [a 1/3] FROM busybox:test AS a
        hit [a 2/3] WORKDIR /work
        hit [a 3/3] RUN echo a > a.txt
        ran [b 1/3] FROM busybox:test AS b
        hit [b 2/3] WORKDIR /work
        hit [b 3/3] RUN echo b > b.txt
        ran [stage-2 1/2] FROM b
        hit [stage-2 2/2] COPY --from=a /work/a.txt /a.txt
        """),
        byStage(plain.table()));
    assertEquals(first.result().imageDigest(), plain.result().imageDigest());
  }

  /** A table's lines in stage order: stages that run in parallel report in either order. */
  private static List<String> byStage(String table) {
    return table.lines().sorted().toList();
  }

  @Test
  void aStageRebuiltWithNewContentIsNeverPairedWithStaleDownstreamResults() throws Exception {
    // gen prints a fresh random id each time it runs. After --no-cache-filter gen, everything
    // built from it (FROM gen, COPY --from=gen) must see the new id, in that build and after.
    dockerfile(
        """
        FROM busybox:test AS gen
        RUN cat /proc/sys/kernel/random/uuid > /stamp

        FROM gen AS derived
        RUN cp /stamp /derived-stamp

        FROM busybox:test
        COPY --from=gen /stamp /stamp
        COPY --from=derived /derived-stamp /derived-stamp
        """);
    BusyboxBuilds.Built first = builds.buildAndExport(request());
    String firstStamp = first.file("stamp");
    assertEquals(firstStamp, first.file("derived-stamp"));

    BusyboxBuilds.Built rebuilt = builds.buildAndExport(request().noCacheFilter("gen"));
    String newStamp = rebuilt.file("stamp");
    assertNotEquals(firstStamp, newStamp);
    assertEquals(newStamp, rebuilt.file("derived-stamp"));
    assertEquals(
        """
        ran [gen 1/2] FROM busybox:test AS gen
        ran [gen 2/2] RUN cat /proc/sys/kernel/random/uuid > /stamp
        ran [derived 1/2] FROM gen AS derived
        ran [derived 2/2] RUN cp /stamp /derived-stamp
        ran [stage-2 1/3] FROM busybox:test
        ran [stage-2 2/3] COPY --from=gen /stamp /stamp
        ran [stage-2 3/3] COPY --from=derived /derived-stamp /derived-stamp
        """,
        rebuilt.table());

    BusyboxBuilds.Built again = builds.buildAndExport(request());
    assertTrue(again.table().lines().skip(1).noneMatch(l -> l.startsWith("ran [gen 2")));
    assertEquals(newStamp, again.file("stamp"));
    assertEquals(newStamp, again.file("derived-stamp"));
    assertEquals(rebuilt.result().imageDigest(), again.result().imageDigest());
  }

  @Test
  void editOfABindMountedContextFileMissesTheRun() throws Exception {
    dockerfile(
        """
        FROM busybox:test
        RUN --mount=type=bind,source=data,target=/data cat /data/x.txt > /x
        """);
    write("data/x.txt", "one\n");
    builds.build(request());

    write("data/x.txt", "two\n");
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [1/2] FROM busybox:test
        ran [2/2] RUN --mount=type=bind,source=data,target=/data cat /data/x.txt > /x
        """,
        second.table());
    assertEquals("two\n", second.file("x"));
  }

  @Test
  void changeInAStageBindMountedByARunMissesTheRun() throws Exception {
    dockerfile(
        """
        FROM busybox:test AS data
        COPY x.txt /x.txt

        FROM busybox:test
        RUN --mount=type=bind,from=data,source=/x.txt,target=/x.txt cat /x.txt > /x
        """);
    write("x.txt", "one\n");
    builds.build(request());

    write("x.txt", "two\n");
    BusyboxBuilds.Built second = builds.buildAndExport(request());
    assertEquals(
        """
        ran [data 1/2] FROM busybox:test AS data
        ran [data 2/2] COPY x.txt /x.txt
        ran [stage-1 1/2] FROM busybox:test
        ran [stage-1 2/2] RUN --mount=type=bind,from=data,source=/x.txt,target=/x.txt cat /x.txt > /x
        """,
        second.table());
    assertEquals("two\n", second.file("x"));
  }

  private String lastCreatedBy(BusyboxBuilds.Built built) throws Exception {
    List<History> history = builds.config(built).history();
    return history.get(history.size() - 1).createdBy();
  }
}
