package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.testdata.image.UnpackedImage;
import dev.kiln.testdata.registry.LocalRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * COPY end to end, with BuildKit's semantics: each Dockerfile is built by {@link Engine}, pushed to
 * a real registry, copied out with skopeo and unpacked with umoci, and the tree is checked path by
 * path (type, mode, owner, content, link target). Where BuildKit's behaviour is not obvious, the
 * comment names the code that decides it.
 */
class CopyAddIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path work;
  static BuildHarness kiln;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
  }

  /** The standard context: files with fixed modes, a directory tree, symlinks. */
  private static ContextDir standardContext() {
    return kiln.context()
        .file("a.txt", "alpha\n")
        .file("b.txt", "bravo\n")
        .file("run.sh", "#!/bin/sh\necho run\n", 0755)
        .file("tree/c.txt", "charlie\n")
        .file("tree/sub/d.txt", "delta\n", 0600)
        .dir("tree/sub", 0750)
        .dir("tree", 0700)
        .symlink("tree/rel-link", "c.txt")
        .symlink("tree/abs-link", "/etc/passwd")
        .symlink("link-to-a", "a.txt");
  }

  @Test
  void destinationsResolveLikeBuildKit() throws Exception {
    ContextDir ctx =
        standardContext()
            .dockerfile(
                """
                FROM busybox:kiln
                WORKDIR /app
                COPY a.txt run.sh ./
                COPY a.txt /file-dest
                COPY a.txt /dir-dest/
                COPY a.txt /etc
                COPY tree /tree-copy
                COPY tree/ /tree-slash/
                COPY a.txt /deep/er/path/
                COPY b.txt rel/
                COPY b.txt rel-file
                COPY link-to-a /followed
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/dest:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());

    assertFile(tree, "app/a.txt", 0644, 0, 0, "alpha\n");
    assertFile(tree, "app/run.sh", 0755, 0, 0, "#!/bin/sh\necho run\n");
    assertFile(tree, "file-dest", 0644, 0, 0, "alpha\n");
    assertDir(tree, "dir-dest", 0755, 0, 0);
    assertFile(tree, "dir-dest/a.txt", 0644, 0, 0, "alpha\n");
    // An existing directory is a directory destination even without a trailing slash.
    assertFile(tree, "etc/a.txt", 0644, 0, 0, "alpha\n");
    assertEquals('f', tree.get("etc/passwd").type());
    // fsutil's prepareTargetDir creates the destination of a directory copy with MkdirAll(0755),
    // so it does not take the source directory's 0700; directories inside keep their modes.
    for (String top : List.of("tree-copy", "tree-slash")) {
      assertDir(tree, top, 0755, 0, 0);
      assertFile(tree, top + "/c.txt", 0644, 0, 0, "charlie\n");
      assertDir(tree, top + "/sub", 0750, 0, 0);
      assertFile(tree, top + "/sub/d.txt", 0600, 0, 0, "delta\n");
      assertLink(tree, top + "/rel-link", "c.txt");
      assertLink(tree, top + "/abs-link", "/etc/passwd");
      assertFalse(tree.containsKey(top + "/tree"), "a directory source copies its contents");
    }
    assertDir(tree, "deep", 0755, 0, 0);
    assertDir(tree, "deep/er", 0755, 0, 0);
    assertDir(tree, "deep/er/path", 0755, 0, 0);
    assertFile(tree, "deep/er/path/a.txt", 0644, 0, 0, "alpha\n");
    assertFile(tree, "app/rel/b.txt", 0644, 0, 0, "bravo\n");
    assertFile(tree, "app/rel-file", 0644, 0, 0, "bravo\n");
    // A symlink named as a source is followed.
    assertFile(tree, "followed", 0644, 0, 0, "alpha\n");

    List<String> history = createdBy(image.configJson());
    assertTrue(history.contains("COPY a.txt run.sh ./ # buildkit"), history.toString());
    assertTrue(history.contains("COPY tree/ /tree-slash/ # buildkit"), history.toString());
    assertTrue(history.contains("WORKDIR /app"), history.toString());
  }

  @Test
  void globsMatchLikeGoPathMatch() throws Exception {
    ContextDir ctx =
        standardContext()
            .file("c.md", "not text\n")
            .dockerfile(
                """
                FROM busybox:kiln
                COPY *.txt /glob/
                COPY [ab].txt /class/
                COPY t?ee/*.txt /nested/
                COPY tr* /dir-match/
                COPY nomatch* /nothing/
                COPY [[]literal].txt /escaped/
                """)
            .file("[literal].txt", "brackets\n");
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/glob:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());

    assertEquals(List.of("glob/[literal].txt", "glob/a.txt", "glob/b.txt"), below(tree, "glob"));
    assertEquals(List.of("class/a.txt", "class/b.txt"), below(tree, "class"));
    assertEquals(List.of("nested/c.txt"), below(tree, "nested"));
    // A directory matched by a wildcard copies its contents, as a named one does.
    assertTrue(tree.containsKey("dir-match/c.txt"), below(tree, "dir-match").toString());
    assertTrue(tree.containsKey("dir-match/sub/d.txt"));
    // docopy returns before creating anything when a wildcard matches nothing.
    assertFalse(tree.containsKey("nothing"), "a wildcard that matches nothing creates nothing");
    assertFile(tree, "escaped/[literal].txt", 0644, 0, 0, "brackets\n");
  }

  @Test
  void destinationsAreResolvedThroughTheImagesSymlinks() throws Exception {
    ContextDir ctx =
        standardContext()
            .symlink("links/data", "/srv/data")
            .symlink("links/etc/rel", "../srv/data")
            .dockerfile(
                """
                FROM busybox:kiln
                COPY a.txt /srv/data/
                COPY links/ /
                COPY b.txt /data/
                COPY run.sh /etc/rel/sub/
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/through-links:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertLink(tree, "data", "/srv/data");
    assertLink(tree, "etc/rel", "../srv/data");
    // Destinations go through the image's symlinks (fs.RootPath), absolute and relative alike.
    assertFile(tree, "srv/data/a.txt", 0644, 0, 0, "alpha\n");
    assertFile(tree, "srv/data/b.txt", 0644, 0, 0, "bravo\n");
    assertFile(tree, "srv/data/sub/run.sh", 0755, 0, 0, "#!/bin/sh\necho run\n");
    assertFalse(tree.containsKey("etc/srv"), "../ in a link target is relative to the link");
  }

  @Test
  void hardLinksStayOneFileWithinACopy() throws Exception {
    ContextDir ctx =
        standardContext()
            .file("linked/one.txt", "same inode\n")
            .dockerfile(
                """
                FROM busybox:kiln AS build
                COPY linked/ /hl/
                FROM busybox:kiln
                COPY linked /ctx/
                COPY --from=build /hl /from-stage/
                """);
    Files.createLink(ctx.root().resolve("linked/two.txt"), ctx.root().resolve("linked/one.txt"));
    Files.createDirectories(ctx.root().resolve("linked/deeper"));
    Files.createLink(
        ctx.root().resolve("linked/deeper/three.txt"), ctx.root().resolve("linked/one.txt"));
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/hardlinks:1");
    Path root = image.rootfs();
    for (String dir : List.of("ctx", "from-stage")) {
      assertFile(FileFacts.tree(root), dir + "/one.txt", 0644, 0, 0, "same inode\n");
      assertTrue(Files.isSameFile(root.resolve(dir + "/one.txt"), root.resolve(dir + "/two.txt")));
      assertTrue(
          Files.isSameFile(
              root.resolve(dir + "/one.txt"), root.resolve(dir + "/deeper/three.txt")));
    }
    JsonNode layers = image.manifestJson().path("layers");
    Path layout = image.rootfs().getParent().getParent().resolve("skopeo-layout");
    List<String> names = LayerListing.names(layout, layers.get(layers.size() - 2));
    assertEquals(
        List.of("ctx/", "ctx/deeper/", "ctx/deeper/three.txt", "ctx/one.txt", "ctx/two.txt"),
        names,
        "depth-first order; the first name in that order carries the content");
  }

  @Test
  void parentsKeepTheSourcePathBelowThePivot() throws Exception {
    ContextDir ctx =
        standardContext()
            .dockerfile(
                """
                FROM busybox:kiln AS build
                COPY tree /out/tree
                FROM busybox:kiln
                COPY --parents tree/sub/d.txt /keep/
                COPY --parents tree/./sub/d.txt /pivot/
                COPY --parents **/*.txt /all-text/
                COPY --parents --chown=1000:1000 --from=build /out/./tree/c.txt /from-stage/
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/parents:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertDir(tree, "keep", 0755, 0, 0);
    // fsutil's createParentDirs makes the directories on the way with their source metadata.
    assertDir(tree, "keep/tree", 0700, 0, 0);
    assertDir(tree, "keep/tree/sub", 0750, 0, 0);
    assertFile(tree, "keep/tree/sub/d.txt", 0600, 0, 0, "delta\n");
    assertEquals(List.of("keep/tree", "keep/tree/sub", "keep/tree/sub/d.txt"), below(tree, "keep"));
    assertEquals(List.of("pivot/sub", "pivot/sub/d.txt"), below(tree, "pivot"));
    assertEquals(
        List.of(
            "all-text/a.txt",
            "all-text/b.txt",
            "all-text/tree",
            "all-text/tree/c.txt",
            "all-text/tree/sub",
            "all-text/tree/sub/d.txt"),
        below(tree, "all-text"));
    assertDir(tree, "from-stage/tree", 0755, 1000, 1000);
    assertFile(tree, "from-stage/tree/c.txt", 0644, 1000, 1000, "charlie\n");
    assertTrue(
        createdBy(image.configJson()).contains("COPY --parents tree/sub/d.txt /keep/ # buildkit"));
  }

  @Test
  void userXattrsOfContextFilesAreCopied() throws Exception {
    ContextDir ctx =
        standardContext().dockerfile("FROM busybox:kiln\nCOPY tree /xattr/\nCOPY a.txt /plain\n");
    var view =
        Files.getFileAttributeView(
            ctx.root().resolve("tree/c.txt"),
            java.nio.file.attribute.UserDefinedFileAttributeView.class);
    view.write("kiln.test", java.nio.ByteBuffer.wrap(new byte[] {'o', 'k', 0, (byte) 0xff}));
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/xattrs:1");
    var copied =
        Files.getFileAttributeView(
            image.rootfs().resolve("xattr/c.txt"),
            java.nio.file.attribute.UserDefinedFileAttributeView.class);
    java.nio.ByteBuffer value = java.nio.ByteBuffer.allocate(16);
    copied.read("kiln.test", value);
    assertEquals(
        List.of((byte) 'o', (byte) 'k', (byte) 0, (byte) 0xff),
        List.of(value.get(0), value.get(1), value.get(2), value.get(3)));
    assertEquals(4, value.position(), "binary values travel exactly");
    var plain =
        Files.getFileAttributeView(
            image.rootfs().resolve("plain"),
            java.nio.file.attribute.UserDefinedFileAttributeView.class);
    assertEquals(List.of(), plain.list());
  }

  @Test
  void severalSourcesNeedADirectoryDestination() {
    ContextDir ctx =
        standardContext().dockerfile("FROM busybox:kiln\nCOPY a.txt b.txt /not-a-dir\n");
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), b -> {}));
    assertTrue(
        failure.getMessage().contains("destination must be a directory and end with a /"),
        failure.getMessage());
    assertTrue(failure.detail().orElse("").contains("COPY a.txt b.txt /not-a-dir"));
  }

  @Test
  void aMissingSourceFailsWithItsName() {
    ContextDir ctx = standardContext().dockerfile("FROM busybox:kiln\nCOPY missing.txt /\n");
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), b -> {}));
    assertEquals(BuildFailure.Kind.STEP, failure.kind());
    assertTrue(failure.getMessage().contains("missing.txt"), failure.getMessage());
    assertTrue(failure.getMessage().contains("not found"), failure.getMessage());
  }

  @Test
  void aDirectoryIsNeverCopiedOverAFileNorAFileOverADirectory() {
    // fsutil's copier: copyDirectoryOnly refuses a non-directory target ("cannot copy to
    // non-directory"), ensureEmptyFileTarget a directory one ("cannot replace to directory … with
    // file"); below the destination, an image's symlink is a non-directory like a file.
    record Clash(String dockerfile, String line, String message, String path) {}
    List<Clash> clashes =
        List.of(
            new Clash(
                "FROM busybox:kiln\nCOPY tree /etc/passwd\n",
                "Dockerfile:2:1",
                "cannot copy to non-directory: /etc/passwd is a file in the image",
                "the source tree"),
            new Clash(
                "FROM busybox:kiln\nCOPY tree /x/a.txt/\nRUN true\nCOPY a.txt /x/\n",
                "Dockerfile:4:1",
                "cannot replace to directory /x/a.txt with file",
                "/x/a.txt is a directory in the image"),
            new Clash(
                "FROM busybox:kiln\nCOPY a.txt /etc/passwd/x\n",
                "Dockerfile:2:1",
                "cannot copy to /etc/passwd/x: /etc/passwd is a file in the image",
                "not a directory"),
            new Clash(
                "FROM busybox:kiln\nCOPY links/ /\nCOPY nested/ /\n",
                "Dockerfile:3:1",
                "cannot copy to non-directory: /data is a symbolic link in the image",
                "the source nested/data"),
            new Clash(
                "FROM busybox:kiln\nCOPY flat/ nested/ /two/\n",
                "Dockerfile:2:1",
                "cannot copy to non-directory: /two/data is a file (an earlier source",
                "the source nested/data"));
    for (Clash clash : clashes) {
      ContextDir ctx =
          standardContext()
              .symlink("links/data", "/srv/data")
              .file("nested/data/file.txt", "nested\n")
              .file("flat/data", "flat\n")
              .dockerfile(clash.dockerfile());
      BuildFailure failure =
          assertThrows(
              BuildFailure.class, () -> kiln.build(ctx.root(), b -> {}), clash.dockerfile());
      assertEquals(BuildFailure.Kind.STEP, failure.kind(), failure.getMessage());
      assertTrue(failure.getMessage().startsWith(clash.line() + ":"), failure.getMessage());
      assertTrue(failure.getMessage().contains(clash.message()), failure.getMessage());
      assertTrue(failure.getMessage().contains(clash.path()), failure.getMessage());
      assertTrue(failure.hint().orElse("").contains("earlier step"), failure.hint().toString());
    }
  }

  @Test
  void chownByNameAndNumberAndChmodOctalAndSymbolic() throws Exception {
    ContextDir ctx =
        standardContext()
            .file(
                "passwd",
                "root:x:0:0:root:/root:/bin/sh\n"
                    + "kiln:x:1000:1000::/home/kiln:/bin/sh\n"
                    + "app:x:2000:100::/srv:/bin/sh\n")
            .dockerfile(
                """
                FROM busybox:kiln
                COPY passwd /etc/passwd
                COPY --chown=app a.txt /by-name/
                COPY --chown=kiln:users a.txt /name-and-group
                COPY --chown=1234 a.txt /by-number
                COPY --chown=1234:5678 tree /owned-tree
                COPY --chmod=0640 a.txt /octal
                COPY --chmod=u+x,g-r,o= a.txt /symbolic
                COPY --chmod=0700 tree /chmod-tree
                COPY --chown=app --chmod=0600 b.txt /both/b.txt
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/owners:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());

    // BuildKit's readUser: a name alone takes the user's primary group from /etc/passwd; a
    // number alone is used for both ids. Created parents belong to the --chown user too.
    assertDir(tree, "by-name", 0755, 2000, 100);
    assertFile(tree, "by-name/a.txt", 0644, 2000, 100, "alpha\n");
    assertFile(tree, "name-and-group", 0644, 1000, 100, "alpha\n");
    assertFile(tree, "by-number", 0644, 1234, 1234, "alpha\n");
    assertDir(tree, "owned-tree", 0755, 1234, 5678);
    assertFile(tree, "owned-tree/c.txt", 0644, 1234, 5678, "charlie\n");
    assertDir(tree, "owned-tree/sub", 0750, 1234, 5678);
    assertFile(tree, "owned-tree/sub/d.txt", 0600, 1234, 5678, "delta\n");
    assertEquals(1234, tree.get("owned-tree/rel-link").uid());
    assertFile(tree, "octal", 0640, 0, 0, "alpha\n");
    assertFile(tree, "symbolic", 0700, 0, 0, "alpha\n");
    // --chmod applies to everything copied, directories included, but not to the destination
    // directory MkdirAll created.
    assertDir(tree, "chmod-tree", 0755, 0, 0);
    assertFile(tree, "chmod-tree/c.txt", 0700, 0, 0, "charlie\n");
    assertDir(tree, "chmod-tree/sub", 0700, 0, 0);
    assertFile(tree, "chmod-tree/sub/d.txt", 0700, 0, 0, "delta\n");
    assertDir(tree, "both", 0755, 2000, 100);
    assertFile(tree, "both/b.txt", 0600, 2000, 100, "bravo\n");

    List<String> history = createdBy(image.configJson());
    assertTrue(
        history.contains("COPY --chown=app --chmod=0600 b.txt /both/b.txt # buildkit"),
        history.toString());
    assertTrue(history.contains("COPY --chmod=u+x,g-r,o= a.txt /symbolic # buildkit"));
  }

  @Test
  void anUnknownChownUserFailsAndSaysWhichOne() {
    ContextDir ctx =
        standardContext().dockerfile("FROM busybox:kiln\nCOPY --chown=ghost a.txt /\n");
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), b -> {}));
    assertTrue(failure.getMessage().contains("ghost"), failure.getMessage());
  }

  @Test
  void copyFromStageAndFromImageInTheStoreKeepOwners() throws Exception {
    ContextDir ctx =
        standardContext()
            .dockerfile(
                """
                FROM busybox:kiln AS build
                COPY --chown=1000:1000 a.txt /out/a.txt
                COPY tree /out/tree
                FROM scratch AS unused
                COPY missing-file-that-would-fail /
                FROM busybox:kiln
                COPY --from=build /out /from-stage
                COPY --from=build /out/tree/rel-link /followed-from-stage
                COPY --from=build /out/tree/*.txt /globbed-from-stage/
                COPY --from=0 /out/a.txt /by-index
                COPY --from=busybox:kiln /etc/group /group-from-image
                COPY --from=busybox:kiln /home /homes
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/from:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());

    assertDir(tree, "from-stage", 0755, 0, 0);
    assertFile(tree, "from-stage/a.txt", 0644, 1000, 1000, "alpha\n");
    // The build stage's COPY created /out/tree with MkdirAll, so it is 0755 there already.
    assertDir(tree, "from-stage/tree", 0755, 0, 0);
    assertDir(tree, "from-stage/tree/sub", 0750, 0, 0);
    assertLink(tree, "from-stage/tree/rel-link", "c.txt");
    assertFile(tree, "followed-from-stage", 0644, 0, 0, "charlie\n");
    assertFile(tree, "globbed-from-stage/c.txt", 0644, 0, 0, "charlie\n");
    assertFile(tree, "by-index", 0644, 1000, 1000, "alpha\n");
    String group = Files.readString(image.rootfs().resolve("group-from-image"));
    assertTrue(group.contains("users:x:100:kiln"), group);
    // Owners from the image: /home/kiln belongs to 1000:1000 in the busybox base.
    assertDir(tree, "homes/kiln", 0755, 1000, 1000);
  }

  @Test
  void linkCopiesOntoNothingAndTheLayerHoldsOnlyTheCopy() throws Exception {
    ContextDir ctx =
        standardContext()
            .dockerfile(
                """
                FROM busybox:kiln
                COPY --link a.txt /usr/local/linked/
                COPY --link --chown=1000:1000 tree /srv/tree
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/link:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertFile(tree, "usr/local/linked/a.txt", 0644, 0, 0, "alpha\n");
    assertFile(tree, "srv/tree/c.txt", 0644, 1000, 1000, "charlie\n");
    assertTrue(tree.containsKey("bin/busybox"), "the base is still below the linked layers");

    JsonNode layers = image.manifestJson().path("layers");
    Path layout = image.rootfs().getParent().getParent().resolve("skopeo-layout");
    List<String> names = LayerListing.names(layout, layers.get(layers.size() - 2));
    assertEquals(
        List.of("usr/", "usr/local/", "usr/local/linked/", "usr/local/linked/a.txt"), names);
  }

  @Test
  void excludePatternsAndDockerignoreLeaveFilesOut() throws Exception {
    ContextDir ctx =
        kiln.context()
            .file("keep.txt", "keep\n")
            .file("secret.txt", "secret\n")
            .file("logs/a.log", "a\n")
            .file("logs/keep.log", "kept\n")
            .file("logs/b.txt", "b\n")
            .file("logs/sub/c.log", "c\n")
            .file("logs/sub/skip/x.txt", "x\n")
            .file(".dockerignore", "secret.txt\nlogs/*.log\n!logs/keep.log\n")
            .dockerfile(
                """
                FROM busybox:kiln
                COPY . /ctx/
                COPY --exclude=*.txt --exclude=sub/skip logs/ /ex/
                COPY --exclude=**/*.log logs /ex-all/
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/ignore:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());

    assertTrue(tree.containsKey("ctx/keep.txt"));
    assertTrue(tree.containsKey("ctx/logs/keep.log"), "! re-includes");
    assertTrue(tree.containsKey("ctx/logs/sub/c.log"), "logs/*.log does not reach into sub/");
    assertFalse(tree.containsKey("ctx/secret.txt"));
    assertFalse(tree.containsKey("ctx/logs/a.log"));
    assertTrue(tree.containsKey("ctx/Dockerfile"), "the Dockerfile is part of the context");

    assertEquals(List.of("ex/keep.log", "ex/sub", "ex/sub/c.log"), below(tree, "ex"), "--exclude");
    assertEquals(
        List.of("ex-all/b.txt", "ex-all/sub", "ex-all/sub/skip", "ex-all/sub/skip/x.txt"),
        below(tree, "ex-all"));

    ContextDir failing =
        kiln.context()
            .file("secret.txt", "secret\n")
            .file(".dockerignore", "secret.txt\n")
            .dockerfile("FROM busybox:kiln\nCOPY secret.txt /\n");
    BuildFailure failure =
        assertThrows(BuildFailure.class, () -> kiln.build(failing.root(), b -> {}));
    assertTrue(failure.getMessage().contains("secret.txt"), failure.getMessage());
  }

  @Test
  void aDockerfileSpecificIgnoreFileWinsOverDockerignore() throws Exception {
    ContextDir ctx =
        kiln.context()
            .file("keep.txt", "keep\n")
            .file("secret.txt", "secret\n")
            .file(".dockerignore", "secret.txt\n")
            .file("build/app.Dockerfile", "FROM busybox:kiln\nCOPY . /ctx/\n")
            .file("build/app.Dockerfile.dockerignore", "keep.txt\nbuild\n");
    UnpackedImage image =
        kiln.pushAndUnpack(
            registry,
            ctx.root(),
            "copy/ignore-specific:1",
            b -> b.dockerfile(ctx.root().resolve("build/app.Dockerfile")));
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertTrue(tree.containsKey("ctx/secret.txt"), "only the Dockerfile's own ignore file counts");
    assertTrue(tree.containsKey("ctx/.dockerignore"));
    assertFalse(tree.containsKey("ctx/keep.txt"));
    assertFalse(tree.containsKey("ctx/build"));
  }

  @Test
  void heredocsBecomeFiles() throws Exception {
    ContextDir ctx =
        kiln.context()
            .dockerfile(
                """
                FROM busybox:kiln
                ENV NAME=kiln
                COPY <<EOF /here.txt
                hello ${NAME}
                EOF
                COPY <<"EOF" /literal.txt
                hello ${NAME}
                EOF
                COPY <<one <<two /docs/
                first
                one
                second
                two
                COPY --chmod=0755 --chown=1000:1000 <<EOF /usr/local/bin/hello
                #!/bin/sh
                echo hello
                EOF
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/heredoc:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    // dockerfile2llb writes heredoc sources with Mkfile(0644).
    assertFile(tree, "here.txt", 0644, 0, 0, "hello kiln\n");
    assertFile(tree, "literal.txt", 0644, 0, 0, "hello ${NAME}\n");
    assertFile(tree, "docs/one", 0644, 0, 0, "first\n");
    assertFile(tree, "docs/two", 0644, 0, 0, "second\n");
    assertFile(tree, "usr/local/bin/hello", 0755, 1000, 1000, "#!/bin/sh\necho hello\n");
    List<String> history = createdBy(image.configJson());
    assertTrue(history.contains("COPY <<one <<two /docs/ # buildkit"), history.toString());
  }

  @Test
  void workdirCreatesItsDirectoryAsALayerOnlyWhenMissing() throws Exception {
    ContextDir ctx =
        kiln.context()
            .file("a.txt", "alpha\n")
            .dockerfile(
                """
                FROM busybox:kiln
                WORKDIR /srv/app
                WORKDIR sub
                WORKDIR /etc
                ENV BASE=/opt
                WORKDIR $BASE/tool
                USER kiln
                WORKDIR /home/kiln/work/deeper
                COPY a.txt .
                USER 1234
                WORKDIR /numeric
                """);
    UnpackedImage image = kiln.pushAndUnpack(registry, ctx.root(), "copy/workdir:1");
    Map<String, FileFacts> tree = FileFacts.tree(image.rootfs());
    assertDir(tree, "srv", 0755, 0, 0);
    assertDir(tree, "srv/app", 0755, 0, 0);
    assertDir(tree, "srv/app/sub", 0755, 0, 0);
    assertDir(tree, "opt/tool", 0755, 0, 0);
    // Mkdir WithUser(USER): the directories created get the user and its primary group.
    assertDir(tree, "home/kiln", 0755, 1000, 1000);
    assertDir(tree, "home/kiln/work", 0755, 1000, 1000);
    assertDir(tree, "home/kiln/work/deeper", 0755, 1000, 1000);
    assertFile(tree, "home/kiln/work/deeper/a.txt", 0644, 0, 0, "alpha\n");
    // A numeric USER owns its WORKDIR with the same number as group (llb.WithUser by id).
    assertDir(tree, "numeric", 0755, 1234, 1234);
    JsonNode config = image.configJson();
    assertEquals("/numeric", config.path("config").path("WorkingDir").asText());

    List<JsonNode> ours = new ArrayList<>();
    config.path("history").forEach(ours::add);
    ours = ours.subList(2, ours.size()); // the base's ADD and CMD
    assertEquals("WORKDIR /srv/app", ours.get(0).path("created_by").asText());
    assertFalse(ours.get(0).path("empty_layer").asBoolean(), "a new directory is a layer");
    assertEquals("WORKDIR /srv/app/sub", ours.get(1).path("created_by").asText());
    assertEquals("WORKDIR /etc", ours.get(2).path("created_by").asText());
    assertTrue(ours.get(2).path("empty_layer").asBoolean(), "an existing directory is no layer");
    assertEquals("WORKDIR /opt/tool", ours.get(4).path("created_by").asText());
    assertEquals("WORKDIR /home/kiln/work/deeper", ours.get(6).path("created_by").asText());
    long layersInHistory =
        ours.stream().filter(h -> !h.path("empty_layer").asBoolean()).count() + 1;
    assertEquals(
        image.manifestJson().path("layers").size(),
        layersInHistory,
        "one manifest layer per non-empty history entry");
  }

  // ---- helpers ----

  static void assertFile(
      Map<String, FileFacts> tree, String path, int mode, int uid, int gid, String content) {
    FileFacts f = tree.get(path);
    assertTrue(f != null, path + " is missing; have " + near(tree, path));
    assertEquals(
        new FileFacts(
            'f',
            mode,
            uid,
            gid,
            content.getBytes(StandardCharsets.UTF_8).length,
            FileFacts.sha256(content.getBytes(StandardCharsets.UTF_8)),
            ""),
        f,
        path);
  }

  static void assertDir(Map<String, FileFacts> tree, String path, int mode, int uid, int gid) {
    FileFacts f = tree.get(path);
    assertTrue(f != null, path + " is missing; have " + near(tree, path));
    assertEquals(new FileFacts('d', mode, uid, gid, 0, "", ""), f, path);
  }

  static void assertLink(Map<String, FileFacts> tree, String path, String target) {
    FileFacts f = tree.get(path);
    assertTrue(f != null, path + " is missing; have " + near(tree, path));
    assertEquals('l', f.type(), path + " is " + f);
    assertEquals(target, f.link(), path);
  }

  static List<String> below(Map<String, FileFacts> tree, String dir) {
    List<String> out = new ArrayList<>();
    for (String p : tree.keySet()) {
      if (p.startsWith(dir + "/")) {
        out.add(p);
      }
    }
    return out;
  }

  static List<String> createdBy(JsonNode config) {
    List<String> out = new ArrayList<>();
    config.path("history").forEach(h -> out.add(h.path("created_by").asText()));
    return out;
  }

  private static String near(Map<String, FileFacts> tree, String path) {
    String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
    return parent.isEmpty() ? "(top level)" : below(tree, parent).toString();
  }
}
