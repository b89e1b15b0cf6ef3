package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.NamedContext;
import dev.kiln.core.sandbox.MountTable;
import dev.kiln.core.sandbox.ProcessScan;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a RUN step leaves in its layer (created, deleted and replaced files, links, modes, owners,
 * capabilities, mounts kept out): this depends on both the isolation and the snapshotter, so each
 * subclass runs it with one of each.
 */
abstract class RunBehaviour extends SandboxedRunTest {
  @Test
  void runsWithTheRequestedIsolationAndSnapshotter() throws Exception {
    kiln.build(FROM + "RUN echo ran > /ran\n");
    List<String> notes = kiln.notes();
    assertTrue(
        notes.stream().anyMatch(n -> n.startsWith("RUN isolation " + isolation() + ": ")),
        notes.toString());
    assertTrue(
        notes.stream().anyMatch(n -> n.startsWith("RUN snapshots " + snapshotter() + ": ")),
        notes.toString());
  }

  @Test
  void createdFilesAndOnlyThemAreInTheLayer() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN echo hello > /hello.txt && mkdir -p /opt/app/sub && echo x > /opt/app/sub/f"
                + " && cat /etc/hosts /etc/resolv.conf > /dev/null && hostname > /dev/null\n");
    assertEquals("hello", image.text("/hello.txt"));
    assertEquals("x", image.text("/opt/app/sub/f"));
    assertEquals(0644, TreeFacts.mode(image.file("/hello.txt")));
    assertEquals(0755, TreeFacts.mode(image.file("/opt/app/sub")));
    assertEquals("0:0", TreeFacts.owner(image.file("/opt/app/sub/f")));
    // /etc/hosts, /etc/resolv.conf, /proc, /dev and /sys are the sandbox's, never the layer's.
    assertEquals(
        List.of("hello.txt", "opt", "opt/app", "opt/app/sub", "opt/app/sub/f"),
        sorted(image.lastLayer().names()),
        image.lastLayer().listing());
    assertFalse(Files.exists(image.file("/etc/hosts"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(image.file("/etc/resolv.conf"), LinkOption.NOFOLLOW_LINKS));
    assertEquals(2, image.manifest().path("layers").size());
  }

  @Test
  void deletedBaseFilesBecomeWhiteouts() throws Exception {
    RunImage image = kiln.build(FROM + "RUN rm /etc/group /bin/vi && rm -r /home/kiln\n");
    assertFalse(Files.exists(image.file("/etc/group"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(image.file("/bin/vi"), LinkOption.NOFOLLOW_LINKS));
    assertFalse(Files.exists(image.file("/home/kiln"), LinkOption.NOFOLLOW_LINKS));
    assertTrue(Files.isDirectory(image.file("/home")));
    assertTrue(Files.exists(image.file("/etc/passwd")));
    LayerTar layer = image.lastLayer();
    List<String> whiteouts = layer.names().stream().filter(n -> n.contains(".wh.")).toList();
    assertEquals(
        List.of("bin/.wh.vi", "etc/.wh.group", "home/.wh.kiln"),
        sorted(whiteouts),
        layer.listing());
    assertTrue(layer.names().stream().noneMatch(n -> n.startsWith("home/kiln/")), layer.listing());
    for (String w : whiteouts) {
      assertEquals('f', layer.entry(w).orElseThrow().type(), layer.listing());
    }
  }

  @Test
  void aDirectoryReplacedByAFileAndAFileByADirectory() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir -p /data/dir/sub && echo a > /data/dir/sub/a && echo b > /data/file\n"
                + "RUN rm -r /data/dir && echo now-a-file > /data/dir"
                + " && rm /data/file && mkdir /data/file && echo inside > /data/file/x\n");
    assertTrue(Files.isRegularFile(image.file("/data/dir"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("now-a-file", image.text("/data/dir"));
    assertTrue(Files.isDirectory(image.file("/data/file"), LinkOption.NOFOLLOW_LINKS));
    assertEquals("inside", image.text("/data/file/x"));
    try (Stream<Path> list = Files.list(image.file("/data/file"))) {
      assertEquals(List.of("x"), list.map(p -> p.getFileName().toString()).toList());
    }
  }

  @Test
  void aRecreatedDirectoryHidesWhatWasBelow() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir -p /data/d && echo old > /data/d/old && echo keep > /data/keep\n"
                + "RUN rm -r /data/d && mkdir /data/d && echo new > /data/d/new\n");
    try (Stream<Path> list = Files.list(image.file("/data/d"))) {
      assertEquals(List.of("new"), list.map(p -> p.getFileName().toString()).toList());
    }
    assertEquals("keep", image.text("/data/keep"));
    LayerTar layer = image.lastLayer();
    assertTrue(
        layer.names().contains("data/d/.wh..wh..opq") || layer.names().contains("data/d/.wh.old"),
        layer.listing());
  }

  @Test
  void hardLinksShareOneInode() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN echo data > /a && ln /a /b && mkdir /x && ln /a /x/c"
                + " && ln /bin/busybox /bin/bb-link\n");
    long a = TreeFacts.inode(image.file("/a"));
    assertEquals(a, TreeFacts.inode(image.file("/b")));
    assertEquals(a, TreeFacts.inode(image.file("/x/c")));
    assertEquals(3, Files.getAttribute(image.file("/a"), "unix:nlink"));
    assertEquals("data", image.text("/x/c"));
    LayerTar layer = image.lastLayer();
    assertEquals(
        List.of("b", "bin/busybox", "x/c"),
        layer.entries().stream().filter(e -> e.type() == 'h').map(e -> e.name()).sorted().toList(),
        layer.listing());
    // A link to an unchanged base file stays a link, as containerd's change writer (BuildKit's
    // walking differ) keeps it: the base name is written beside the new one, and one of them is a
    // hard link to the other, so the bytes are in the layer once.
    assertEquals(
        TreeFacts.inode(image.file("/bin/busybox")), TreeFacts.inode(image.file("/bin/bb-link")));
    List<LayerTar.Entry> names =
        layer.entries().stream()
            .filter(e -> e.name().equals("bin/busybox") || e.name().equals("bin/bb-link"))
            .toList();
    assertEquals(2, names.size(), layer.listing());
    assertEquals(
        List.of('f', 'h'),
        names.stream().map(LayerTar.Entry::type).sorted().toList(),
        layer.listing());
  }

  @Test
  void symlinksKeepTheirTargets() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir /opt && ln -s ../etc/passwd /opt/pw && ln -s /nowhere /dangling"
                + " && ln -sf busybox /bin/ls.new && ln -sfn ../bin/busybox /usr/bin/awk\n");
    assertEquals("../etc/passwd", Files.readSymbolicLink(image.file("/opt/pw")).toString());
    assertEquals("/nowhere", Files.readSymbolicLink(image.file("/dangling")).toString());
    assertEquals("busybox", Files.readSymbolicLink(image.file("/bin/ls.new")).toString());
    assertEquals("../bin/busybox", Files.readSymbolicLink(image.file("/usr/bin/awk")).toString());
    LayerTar.Entry awk = image.lastLayer().entry("usr/bin/awk").orElseThrow();
    assertEquals('l', awk.type());
    assertEquals("../bin/busybox", awk.linkName());
  }

  @Test
  void modesAndOwnersChangeAndAreKept() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN chmod 0600 /etc/group && touch /owned && chown 1234:5678 /owned"
                + " && chmod 0640 /owned && chown -h 42:43 /bin/ls && mkdir /shared"
                + " && chown kiln:users /shared\n");
    assertEquals(0600, TreeFacts.mode(image.file("/etc/group")));
    assertEquals("0:0", TreeFacts.owner(image.file("/etc/group")));
    assertEquals(0640, TreeFacts.mode(image.file("/owned")));
    assertEquals("1234:5678", TreeFacts.owner(image.file("/owned")));
    assertEquals("42:43", TreeFacts.owner(image.file("/bin/ls")));
    assertEquals("1000:100", TreeFacts.owner(image.file("/shared")));
    LayerTar layer = image.lastLayer();
    // A metadata-only change still carries the whole file, as overlayfs copies it up.
    LayerTar.Entry group =
        layer.entry("etc/group").orElseThrow(() -> new AssertionError(layer.listing()));
    assertEquals(0600, group.mode());
    assertTrue(group.size() > 0);
  }

  @Test
  void setuidSetgidAndStickyBitsSurvive() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN cp /bin/busybox /usr/bin/suid && chmod 4755 /usr/bin/suid"
                + " && mkdir /sgid && chmod 2775 /sgid && touch /sgid/file"
                + " && mkdir /sticky && chmod 1777 /sticky && chmod u+s /bin/busybox\n");
    assertEquals(04755, TreeFacts.mode(image.file("/usr/bin/suid")));
    assertEquals(02775, TreeFacts.mode(image.file("/sgid")));
    assertEquals(01777, TreeFacts.mode(image.file("/sticky")));
    assertEquals(04755, TreeFacts.mode(image.file("/bin/busybox")));
    LayerTar layer = image.lastLayer();
    assertEquals(04755, layer.entry("usr/bin/suid").orElseThrow().mode());
    assertEquals(02775, layer.entry("sgid").orElseThrow().mode());
    assertEquals(01777, layer.entry("sticky").orElseThrow().mode());
  }

  @Test
  void fileCapabilitiesSetInTheStepReachTheImage() throws Exception {
    // busybox has neither setcap nor setfattr: the host's setcap (Debian libcap2-bin) is bound in
    // from a named context with the libraries it needs and started through the host's loader.
    Path tools = HostSetcap.into(kiln.newDir("hosttools"));
    Path ctx =
        kiln.context(
            FROM
                + "RUN --mount=type=bind,from=hosttools,target=/hosttools"
                + " cp /bin/busybox /usr/bin/pinger"
                + " && /hosttools/ld.so --library-path /hosttools /hosttools/setcap"
                + " cap_net_raw+ep /usr/bin/pinger"
                + " && /hosttools/ld.so --library-path /hosttools /hosttools/getcap /usr/bin/pinger\n",
            Map.of());
    RunImage image =
        kiln.build(ctx, b -> b.buildContext(new NamedContext.Directory("hosttools", tools)));
    assertTrue(
        kiln.output().stream().anyMatch(l -> l.contains("cap_net_raw=ep")),
        kiln.output().toString());
    // VFS_CAP_REVISION_2, permitted and effective: bit 13 (CAP_NET_RAW).
    String expected = "0x0100000200200000000000000000000000000000";
    assertEquals(
        expected, TreeFacts.xattrsOf(image.file("/usr/bin/pinger")).get("security.capability"));
    LayerTar.Entry pinger = image.lastLayer().entry("usr/bin/pinger").orElseThrow();
    assertTrue(
        pinger.pax().containsKey("SCHILY.xattr.security.capability"), pinger.pax().toString());
    assertFalse(image.lastLayer().names().stream().anyMatch(n -> n.startsWith("hosttools")));
  }

  @Test
  void tmpfsMountsAreEmptyAndNotKept() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN --mount=type=tmpfs,target=/scratch echo x > /scratch/f"
                + " && grep ' /scratch ' /proc/mounts | cut -d' ' -f3 > /scratch-type\n");
    assertEquals("tmpfs", image.text("/scratch-type"));
    assertFalse(Files.exists(image.file("/scratch"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aCacheMountPersistsAcrossBuildsAndStaysOutOfLayers() throws Exception {
    String id = "persist-" + System.nanoTime();
    RunImage first =
        kiln.build(
            FROM
                + "RUN --mount=type=cache,id="
                + id
                + ",target=/var/cache/pkg echo first > /var/cache/pkg/marker"
                + " && echo step1 > /step1\n");
    RunImage second =
        kiln.build(
            FROM
                + "RUN --mount=type=cache,id="
                + id
                + ",target=/var/cache/pkg cat /var/cache/pkg/marker > /seen"
                + " && echo second >> /var/cache/pkg/marker\n");
    assertEquals("first", second.text("/seen"));
    for (RunImage image : List.of(first, second)) {
      assertFalse(Files.exists(image.file("/var/cache/pkg/marker")));
      for (LayerTar layer : image.layers()) {
        assertTrue(
            layer.names().stream().noneMatch(n -> n.startsWith("var/cache/pkg")), layer.listing());
      }
    }
  }

  @Test
  void aStepThatChangesNothingAddsNoLayer() throws Exception {
    RunImage image = kiln.build(FROM + "RUN true\nRUN cat /etc/passwd > /dev/null\n");
    assertEquals(1, image.manifest().path("layers").size());
    var history = image.config().path("history");
    assertTrue(history.get(history.size() - 1).path("empty_layer").asBoolean(), history.toString());
  }

  @Test
  void aStepAfterADeletionThatChangesNothingAddsNoLayer() throws Exception {
    // The copy snapshotter copies the deleting layer's whiteout and then removes it: the
    // directory's time must come back, or the next step "changed" /etc.
    RunImage image = kiln.build(FROM + "RUN rm /etc/group\nRUN true\n");
    assertEquals(2, image.manifest().path("layers").size(), image.manifest().toString());
  }

  @Test
  void aFailingRunFailsTheBuildAndLeavesNothingBehind() throws Exception {
    String marker = "86" + (10000 + (System.nanoTime() % 80000));
    Path ctx =
        kiln.context(
            FROM
                + "RUN echo fine > /fine\n"
                + "RUN --mount=type=tmpfs,target=/scratch --mount=type=cache,target=/cache"
                + " sleep "
                + marker
                + " & i=1; while [ $i -le 30 ]; do echo line$i; i=$((i+1)); done;"
                + " echo oops >&2; exit 3\n"
                + "RUN echo never > /never\n",
            Map.of());
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx, b -> {}));
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().startsWith("Dockerfile:3"), failure.getMessage());
    assertTrue(failure.getMessage().contains("exit code: 3"), failure.getMessage());
    String detail = failure.detail().orElse("");
    assertTrue(detail.contains("line30"), detail);
    assertTrue(detail.contains("oops"), detail);
    assertFalse(detail.contains("line1\n"), detail);
    assertEquals(List.of(), ProcessScan.withMarker("sleep " + marker));
    assertEquals(List.of(), MountTable.mountPointsUnder(kiln.cacheDir()));
    assertTrue(kiln.output().stream().anyMatch(l -> l.equals("line30")), kiln.output().toString());
  }

  @Test
  void aRunLayerCarriesTheUnchangedParentsOfWhatItChanged() throws Exception {
    RunImage image =
        kiln.build(
            FROM
                + "RUN mkdir -p /srv/app/sub && chown -R kiln:kiln /srv/app && chmod 0750 /srv/app\n"
                + "RUN echo x > /srv/app/sub/file && rm /etc/group\n"
                + "USER kiln\n"
                + "RUN stat -c '%u:%g %a' /srv/app > /home/kiln/seen\n");
    // Without srv/app in the second RUN's layer, kiln's next step saw it as root's 0755.
    assertEquals("1000:1000 750", image.text("/home/kiln/seen"));
    LayerTar second = image.layers().get(2);
    for (String parent : List.of("srv", "srv/app", "srv/app/sub", "etc")) {
      assertTrue(second.entry(parent).isPresent(), parent + " missing from\n" + second.listing());
    }
    LayerTar.Entry app = second.entry("srv/app").orElseThrow();
    assertEquals("0750 1000:1000", String.format("%04o %d:%d", app.mode(), app.uid(), app.gid()));
  }

  @Test
  void aCopyIntoADirectoryARunMadeKeepsItsOwnerForLaterRuns() throws Exception {
    Path ctx =
        kiln.context(
            FROM
                + "RUN mkdir -p /srv/app && chown kiln:kiln /srv/app && chmod 0750 /srv/app\n"
                + "COPY files/ /srv/app/\n"
                + "USER kiln\n"
                + "RUN stat -c '%u:%g %a' /srv/app > /srv/app/seen && touch /srv/app/by-kiln\n",
            Map.of("files/a", "a\n"));
    RunImage image = kiln.build(ctx, b -> {});
    assertEquals("1000:1000 750", image.text("/srv/app/seen"));
    assertEquals("1000:1000", TreeFacts.owner(image.file("/srv/app")));
    // The COPY layer carries the directory it copied into with that directory's own metadata,
    // so a later RUN, which sees the layers stacked in overlayfs, sees the same as a pull would.
    LayerTar copy = image.layers().get(2);
    LayerTar.Entry app =
        copy.entry("srv/app").orElseThrow(() -> new AssertionError(copy.listing()));
    assertEquals("0750 1000:1000", String.format("%04o %d:%d", app.mode(), app.uid(), app.gid()));
  }

  @Test
  void aRunOnAnAlmostEmptyRootfsLeavesOnlyWhatItWrote() throws Exception {
    // No /proc, /dev, /sys, /etc or /tmp below: every mount point the sandbox needs is made for
    // the step and taken away again.
    RunImage image =
        kiln.build(
            "FROM scratch\n"
                + "COPY --from="
                + RunFixture.BUSYBOX
                + " /bin/busybox /bin/busybox\n"
                + "RUN [\"/bin/busybox\", \"sh\", \"-c\","
                + " \"/bin/busybox mkdir /made && /bin/busybox hostname > /made/file\"]\n");
    assertEquals(List.of("made", "made/file"), sorted(image.lastLayer().names()));
    try (Stream<Path> all = Files.walk(image.rootfs())) {
      assertEquals(
          List.of("", "bin", "bin/busybox", "made", "made/file"),
          all.map(p -> image.rootfs().relativize(p).toString()).sorted().toList());
    }
  }
}
