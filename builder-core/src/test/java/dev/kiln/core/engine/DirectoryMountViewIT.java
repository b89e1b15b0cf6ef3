package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.sandbox.MountTable;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link DirectoryMountView} on a real directory, both ways it can be made: the overlayfs with
 * whiteouts (kiln as root) and the copy (without root, or when overlayfs refuses), read-only and
 * writable. Both must show exactly what {@code .dockerignore} leaves, as it is on disk.
 */
class DirectoryMountViewIT {
  private static final List<String> IGNORE =
      List.of("node_modules", "*.log", ".env", "docs/*", "!docs/keep.md");

  @TempDir Path tmp;
  private Path ctx;
  private MountSources.Source.Directory from;

  @BeforeEach
  void context() throws Exception {
    ctx = Files.createDirectory(tmp.resolve("ctx"));
    write(".dockerignore", String.join("\n", IGNORE) + "\n");
    write(".env", "PASSWORD=hunter2\n");
    write("top.log", "log\n");
    write("app/main.js", "main\n");
    write("app/debug.log", "kept: *.log matches the top level only\n");
    write("node_modules/dep/index.js", "dep\n");
    write("docs/keep.md", "keep\n");
    write("docs/drop.md", "drop\n");
    Files.createSymbolicLink(ctx.resolve("link"), Path.of("app/main.js"));
    int mkfifo = new ProcessBuilder("mkfifo", ctx.resolve("app/pipe").toString()).start().waitFor();
    assertEquals(0, mkfifo);
    Files.setAttribute(ctx.resolve("app"), "unix:mode", 0750);
    Files.setLastModifiedTime(ctx.resolve("app"), FileTime.fromMillis(1_000_000_000_123L));
    from = new MountSources.Source.Directory(ctx, "the build context", PatternMatcher.of(IGNORE));
  }

  @ParameterizedTest(name = "overlay={0} writable={1}")
  @CsvSource({"true,false", "true,true", "false,false", "false,true"})
  void showsWhatDockerignoreLeavesAsItIsOnDisk(boolean overlay, boolean writable) throws Exception {
    try (DirectoryMountView view = view(ctx, writable, overlay)) {
      assertEquals(
          List.of(
              ".dockerignore file",
              "app dir",
              "app/debug.log file",
              "app/main.js file",
              "app/pipe other",
              "docs dir",
              "docs/keep.md file",
              "link symlink"),
          listing(view.path()));
      Path app = view.path().resolve("app");
      assertEquals(0750, (Integer) Files.getAttribute(app, "unix:mode") & 07777);
      assertEquals(Files.getLastModifiedTime(ctx.resolve("app")), Files.getLastModifiedTime(app));
      assertEquals("main\n", Files.readString(view.path().resolve("link")));
      if (writable) {
        Files.writeString(view.path().resolve("app/main.js"), "changed\n");
        Files.delete(view.path().resolve("docs/keep.md"));
        Files.writeString(view.path().resolve("new"), "new\n");
      }
    }
    assertEquals("main\n", Files.readString(ctx.resolve("app/main.js")));
    assertTrue(Files.exists(ctx.resolve("docs/keep.md")));
    assertFalse(Files.exists(ctx.resolve("new")));
    assertEquals(List.of(), MountTable.mountPointsUnder(tmp));
  }

  @ParameterizedTest(name = "overlay={0}")
  @CsvSource({"true", "false"})
  void aSubdirectoryShowsWhatIsLeftOfItAndAnExcludedSourceIsNotFound(boolean overlay)
      throws Exception {
    try (DirectoryMountView view = view(ctx.resolve("docs"), false, overlay)) {
      assertEquals(List.of("keep.md file"), listing(view.path()));
    }
    IOException excluded =
        assertThrows(IOException.class, () -> view(ctx.resolve(".env"), false, overlay));
    assertTrue(excluded.getMessage().contains(".dockerignore excludes it"), excluded.getMessage());
    assertThrows(IOException.class, () -> view(ctx.resolve("node_modules/dep"), false, overlay));
    assertEquals(List.of(), MountTable.mountPointsUnder(tmp));
  }

  @ParameterizedTest(name = "overlay={0}")
  @CsvSource({"true", "false"})
  void withNothingExcludedAReadOnlyViewIsTheDirectoryItself(boolean overlay) throws Exception {
    MountSources.Source.Directory plain =
        new MountSources.Source.Directory(ctx, "the build context", PatternMatcher.of(List.of()));
    Path work = tmp.resolve("work-plain");
    try (DirectoryMountView view =
        DirectoryMountView.of(ctx, ctx, plain.ignore(), false, work, plain, overlay)) {
      assertEquals(ctx, view.path());
    }
    try (DirectoryMountView view =
        DirectoryMountView.of(
            ctx,
            ctx.resolve("app"),
            PatternMatcher.of(List.of("app/*.log")),
            false,
            work,
            plain,
            overlay)) {
      assertEquals(List.of("main.js file", "pipe other"), listing(view.path()));
    }
  }

  private int views;

  private DirectoryMountView view(Path source, boolean writable, boolean overlay)
      throws IOException {
    return DirectoryMountView.of(
        ctx, source, from.ignore(), writable, tmp.resolve("work-" + ++views), from, overlay);
  }

  private static List<String> listing(Path root) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.toList()) {
        if (p.equals(root)) {
          continue;
        }
        String kind =
            Files.isSymbolicLink(p)
                ? "symlink"
                : Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)
                    ? "dir"
                    : Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? "file" : "other";
        entries.put(root.relativize(p).toString(), kind);
      }
    }
    return entries.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList();
  }

  private void write(String path, String text) throws IOException {
    Path file = ctx.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
