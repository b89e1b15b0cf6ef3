package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.core.engine.HandmadeLayout.Entry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One answer for a base image, whoever reads it. Each case is a base image whose layers are legal
 * but tricky (an entry added through a symlink of a lower layer, a directory replaced by a symlink,
 * hard links, a FIFO and a device) or illegal (an empty whiteout name, a name that is not UTF-8).
 * Every consumer of base layers turns the image into files on the host, and the same facts must
 * hold for each: a RUN step (which stands on unpacked layer directories), a RUN bind mount of the
 * image, COPY --from of its root, and the two file exports. An illegal image is refused by every
 * consumer with the same reason.
 */
class LayerConsistencyIT {
  @TempDir static Path work;
  static BuildHarness kiln;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
  }

  /** How the files of the image reach the host. */
  enum Reader {
    RUN,
    RUN_MOUNT,
    COPY_FROM,
    LOCAL_EXPORT,
    TAR_EXPORT
  }

  /** What must hold of a path, read without following it. */
  record Fact(String path, String kind, String value) {
    static Fact file(String path, String content) {
      return new Fact(path, "file", content);
    }

    static Fact symlink(String path, String target) {
      return new Fact(path, "symlink", target);
    }

    static Fact absent(String path) {
      return new Fact(path, "absent", "");
    }

    static Fact fifo(String path) {
      return new Fact(path, "fifo", "");
    }

    static Fact charDevice(String path) {
      return new Fact(path, "char", "");
    }
  }

  /** A base image made of these layers (on the busybox rootfs) and what must be true of it. */
  record Case(String name, List<List<Entry>> layers, List<Fact> facts, String refusal) {
    @Override
    public String toString() {
      return name;
    }

    /** The top-level paths the facts are about, for the readers that archive a selection. */
    List<String> roots() {
      return facts.stream().map(f -> f.path().split("/")[0]).distinct().sorted().toList();
    }
  }

  static Stream<Case> cases() {
    return Stream.of(
        new Case(
            "entry added through a lower layer's symlink",
            List.of(
                List.of(Entry.dir("data/"), Entry.symlink("x", "data")),
                List.of(Entry.file("x/file", "through"))),
            List.of(Fact.symlink("x", "data"), Fact.file("data/file", "through")),
            null),
        new Case(
            "entry added through a lower layer's absolute symlink",
            List.of(
                List.of(Entry.dir("data/"), Entry.symlink("y", "/data")),
                List.of(Entry.file("y/file", "absolute"))),
            List.of(Fact.symlink("y", "/data"), Fact.file("data/file", "absolute")),
            null),
        new Case(
            "directory replaced by a symlink",
            List.of(
                List.of(Entry.dir("x/"), Entry.file("x/a", "a")),
                List.of(Entry.symlink("x", "/etc"))),
            List.of(Fact.symlink("x", "/etc"), Fact.absent("etc/a")),
            null),
        new Case(
            "hard links in one layer and across layers",
            List.of(
                List.of(Entry.file("a", "data"), Entry.hardlink("b", "a")),
                List.of(Entry.hardlink("c", "a"))),
            List.of(Fact.file("a", "data"), Fact.file("b", "data"), Fact.file("c", "data")),
            null),
        new Case(
            "a FIFO and a character device",
            List.of(List.of(Entry.fifo("p"), Entry.charDevice("c"))),
            List.of(Fact.fifo("p"), Fact.charDevice("c")),
            null),
        new Case(
            "a whiteout with an empty name",
            List.of(List.of(Entry.file("data/f", "f"), Entry.file(".wh.", ""))),
            List.of(),
            "whiteout"),
        new Case(
            "a name that is not UTF-8",
            List.of(List.of(Entry.file("caf\u00e9", "x"))),
            List.of(),
            "UTF-8"));
  }

  static Stream<Arguments> matrix() {
    return cases().flatMap(c -> Stream.of(Reader.values()).map(r -> Arguments.of(c, r)));
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("matrix")
  void everyReaderSeesTheSameFiles(Case c, Reader reader) throws Exception {
    Path dir = kiln.newDir("case");
    Path layout = HandmadeLayout.writeLayers(dir.resolve("layout"), c.layers());
    String image = "oci-layout://" + layout + ":latest";
    Path out = dir.resolve("out");
    String roots = String.join(" ", c.roots());
    String dockerfile =
        switch (reader) {
          case RUN ->
              "FROM "
                  + image
                  + "\nRUN cd / && tar -cf /view.tar "
                  + (roots.isEmpty() ? "etc/passwd" : roots)
                  + "\nFROM scratch\nCOPY --from=0 /view.tar /\n";
          case RUN_MOUNT ->
              "FROM "
                  + BuildHarness.BUSYBOX
                  + "\nRUN --mount=type=bind,from=tricky,target=/m cd /m && tar -cf /view.tar "
                  + (roots.isEmpty() ? "etc/passwd" : roots)
                  + "\nFROM scratch\nCOPY --from=0 /view.tar /\n";
          case COPY_FROM -> "FROM scratch\nCOPY --from=tricky / /\n";
          case LOCAL_EXPORT, TAR_EXPORT -> "FROM " + image + "\n";
        };
    ContextDir ctx = new ContextDir(dir.resolve("ctx")).dockerfile(dockerfile);
    Consumer<BuildRequest.Builder> options =
        b -> {
          b.buildContext(NamedContext.parse("tricky=" + image));
          b.output(
              OutputSpecParser.parse(
                  reader == Reader.TAR_EXPORT
                      ? "type=tar,dest=" + out + ".tar"
                      : "type=local,dest=" + out));
        };
    if (c.refusal() != null) {
      BuildFailure failure =
          assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), options));
      String message = failure.getMessage() + " " + failure.detail().orElse("");
      assertTrue(message.contains(c.refusal()), reader + " refused with: " + message);
      return;
    }
    kiln.build(ctx.root(), options);
    Path files = out;
    if (reader == Reader.TAR_EXPORT) {
      files = untar(Path.of(out + ".tar"), dir.resolve("untarred"));
    } else if (reader == Reader.RUN || reader == Reader.RUN_MOUNT) {
      files = untar(out.resolve("view.tar"), dir.resolve("untarred"));
    }
    List<String> wrong = new ArrayList<>();
    for (Fact fact : c.facts()) {
      String seen = describe(files.resolve(fact.path()));
      String wanted = fact.kind() + (fact.value().isEmpty() ? "" : " " + fact.value());
      if (!seen.equals(wanted)) {
        wrong.add(fact.path() + ": wanted " + wanted + ", saw " + seen);
      }
    }
    assertEquals(List.of(), wrong, reader + " sees other files");
  }

  private static Path untar(Path tar, Path into) throws Exception {
    Files.createDirectories(into);
    Process p =
        new ProcessBuilder("tar", "-xpf", tar.toString(), "-C", into.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "tar -x: " + output);
    return into;
  }

  private static String describe(Path path) throws IOException {
    if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
      return "absent";
    }
    if (Files.isSymbolicLink(path)) {
      return "symlink " + Files.readSymbolicLink(path);
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return "dir";
    }
    if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      return "file " + Files.readString(path);
    }
    int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
    return switch (mode & 0170000) {
      case 0010000 -> "fifo";
      case 0020000 -> "char";
      default -> "other " + Integer.toOctalString(mode);
    };
  }
}
