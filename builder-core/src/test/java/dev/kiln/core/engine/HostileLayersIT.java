package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.OutputSpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Base images whose layer tries to write outside the root: a {@code ..} name, an absolute name, a
 * symlink that leads out followed by an entry through it, a hardlink to outside, and a hardlink
 * through such a symlink. Each is fed to every place the engine reads base layers: a COPY onto the
 * image (its stack view), {@code COPY --from}, a RUN on it (its unpacked layers), a RUN bind mount
 * of it, and the file exports ({@code type=local}, {@code type=tar}). Every one must fail with an
 * error that names the offending entry, and nothing may appear outside the build's own directories.
 */
class HostileLayersIT {
  private static final String ID = UUID.randomUUID().toString().substring(0, 8);

  /** Where the escapes would land on the host; created so a write through a link would succeed. */
  private static final Path HOST_TARGET = Path.of("/tmp/kiln-escape-" + ID);

  @TempDir static Path work;
  static BuildHarness kiln;

  @BeforeAll
  static void base() throws Exception {
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    Files.createDirectories(HOST_TARGET);
  }

  @AfterAll
  static void cleanUp() throws IOException {
    try (Stream<Path> walk = Files.walk(HOST_TARGET)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** A hostile layer and the entry name its error must mention. */
  record Hostile(String name, List<HandmadeLayout.Entry> entries, String culprit) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Hostile> layers() {
    String climb = "../../../../../../../../../..";
    return Stream.of(
        new Hostile(
            "dot-dot name",
            HandmadeLayout.list(HandmadeLayout.Entry.file("../../escape-" + ID + ".txt", "pwned")),
            "escape-" + ID),
        new Hostile(
            "absolute name",
            HandmadeLayout.list(HandmadeLayout.Entry.file(HOST_TARGET + "/absolute.txt", "pwned")),
            "absolute.txt"),
        new Hostile(
            "symlink escape",
            HandmadeLayout.list(
                HandmadeLayout.Entry.symlink("evil", climb + HOST_TARGET),
                HandmadeLayout.Entry.file("evil/pwned.txt", "pwned")),
            "evil/pwned.txt"),
        new Hostile(
            "hardlink escape",
            HandmadeLayout.list(HandmadeLayout.Entry.hardlink("hl", "../../../../etc/hostname")),
            "hl"),
        new Hostile(
            "hardlink through a symlink",
            HandmadeLayout.list(
                HandmadeLayout.Entry.symlink("evil", climb),
                HandmadeLayout.Entry.hardlink("hl", "evil/etc/hostname")),
            "hl"));
  }

  /** What reads the base layers. */
  enum Consumer {
    COPY_ONTO_BASE,
    COPY_FROM_BASE,
    RUN_ON_BASE,
    RUN_MOUNT_OF_BASE,
    LOCAL_EXPORT,
    TAR_EXPORT
  }

  static Stream<Arguments> cases() {
    return layers().flatMap(h -> Stream.of(Consumer.values()).map(c -> Arguments.of(h, c)));
  }

  @ParameterizedTest(name = "{0} via {1}")
  @MethodSource("cases")
  void isRefusedAndNothingLandsOutside(Hostile hostile, Consumer consumer) throws Exception {
    Path dir = kiln.newDir("hostile");
    Path layout = HandmadeLayout.write(dir.resolve("layout"), hostile.entries());
    Path deep = Files.createDirectories(dir.resolve("a/b/c"));
    Path out = deep.resolve("out");
    String from = "oci-layout://" + layout + ":latest";
    ContextDir ctx = new ContextDir(dir.resolve("ctx")).file("a.txt", "alpha\n");
    switch (consumer) {
      case COPY_ONTO_BASE -> ctx.dockerfile("FROM " + from + "\nCOPY a.txt /etc/\n");
      case COPY_FROM_BASE -> ctx.dockerfile("FROM scratch\nCOPY --from=hostile /etc/passwd /\n");
      case RUN_ON_BASE -> ctx.dockerfile("FROM " + from + "\nRUN true\n");
      case RUN_MOUNT_OF_BASE ->
          ctx.dockerfile(
              "FROM "
                  + BuildHarness.BUSYBOX
                  + "\nRUN --mount=type=bind,from=hostile,target=/m ls /m > /dev/null\n");
      default -> ctx.dockerfile("FROM " + from + "\n");
    }
    BuildFailure failure =
        assertThrows(
            BuildFailure.class,
            () ->
                kiln.build(
                    ctx.root(),
                    b -> {
                      b.buildContext(NamedContext.parse("hostile=" + from));
                      switch (consumer) {
                        case LOCAL_EXPORT ->
                            b.output(OutputSpecParser.parse("type=local,dest=" + out));
                        case TAR_EXPORT ->
                            b.output(OutputSpecParser.parse("type=tar,dest=" + out + ".tar"));
                        default ->
                            b.output(OutputSpecParser.parse("type=oci,dest=" + out + ".oci.tar"));
                      }
                    }));
    String message = failure.getMessage() + " " + failure.detail().orElse("");
    assertTrue(message.contains(hostile.culprit()), "the error names the entry: " + message);
    assertTrue(
        message.contains("refusing layer") || message.contains("outside"),
        "the error says why: " + message);

    assertFalse(Files.exists(dir.resolve("escape-" + ID + ".txt")), "written above the target");
    assertFalse(Files.exists(deep.resolve("escape-" + ID + ".txt")), "written above the target");
    try (Stream<Path> escaped = Files.list(HOST_TARGET)) {
      assertFalse(escaped.findAny().isPresent(), "written into " + HOST_TARGET);
    }
    Path hl = out.resolve("hl");
    if (Files.exists(hl, LinkOption.NOFOLLOW_LINKS) && Files.exists(Path.of("/etc/hostname"))) {
      assertFalse(Files.isSameFile(hl, Path.of("/etc/hostname")), "hardlinked a host file");
    }
    assertFalse(Files.exists(Path.of(out + ".tar")), "no partial tar export");
  }

  @Test
  void addNeverUnpacksAnArchiveOutsideItsDestination() throws Exception {
    Path dir = kiln.newDir("hostile-add");
    ContextDir ctx =
        new ContextDir(dir.resolve("ctx"))
            .bytes(
                "through-link.tar",
                archive(
                    HandmadeLayout.Entry.symlink("evil", "../../../../../.." + HOST_TARGET),
                    HandmadeLayout.Entry.file("evil/pwned.txt", "pwned")),
                0644)
            .bytes(
                "dot-dot.tar",
                archive(HandmadeLayout.Entry.file("../../up-" + ID + ".txt", "up")),
                0644)
            .dockerfile("FROM busybox:kiln\nADD through-link.tar /x/\n");
    BuildFailure failure = assertThrows(BuildFailure.class, () -> kiln.build(ctx.root(), b -> {}));
    assertTrue(failure.getMessage().contains("evil/pwned.txt"), failure.getMessage());
    try (Stream<Path> escaped = Files.list(HOST_TARGET)) {
      assertFalse(escaped.findAny().isPresent(), "written into " + HOST_TARGET);
    }

    // A '..' member cannot climb out of the destination: it lands inside it (as it does when
    // Docker unpacks the archive chrooted into the destination).
    ctx.dockerfile("FROM busybox:kiln\nADD dot-dot.tar /x/\n");
    Path out = dir.resolve("out");
    kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=local,dest=" + out)));
    assertTrue(Files.isRegularFile(out.resolve("x/up-" + ID + ".txt")));
    assertFalse(Files.exists(dir.resolve("up-" + ID + ".txt")));
    assertFalse(Files.exists(out.resolve("up-" + ID + ".txt")));
  }

  @Test
  void anEntryBehindASymlinkInsideTheImageLandsWhereTheLinkLeads() throws Exception {
    Path dir = kiln.newDir("relocated");
    Path layout =
        HandmadeLayout.write(
            dir.resolve("layout"),
            HandmadeLayout.list(
                HandmadeLayout.Entry.dir("usr/"),
                HandmadeLayout.Entry.dir("usr/lib/"),
                HandmadeLayout.Entry.symlink("lib", "usr/lib"),
                HandmadeLayout.Entry.file("lib/x.so", "library")));
    String from = "oci-layout://" + layout + ":latest";
    ContextDir ctx =
        new ContextDir(dir.resolve("ctx"))
            .dockerfile(
                "FROM " + from + " AS base\nFROM scratch\nCOPY --from=base /usr/lib/x.so /\n");
    Path tar = dir.resolve("files.tar");
    kiln.build(ctx.root(), b -> b.output(OutputSpecParser.parse("type=tar,dest=" + tar)));
    java.util.List<String> names = new java.util.ArrayList<>();
    try (var in = Files.newInputStream(tar);
        var t = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(in)) {
      for (var e = t.getNextEntry(); e != null; e = t.getNextEntry()) {
        names.add(e.getName());
      }
    }
    assertEquals(List.of("x.so"), names);
  }

  private static byte[] archive(HandmadeLayout.Entry... entries) throws IOException {
    return HandmadeLayout.tar(List.of(entries));
  }
}
