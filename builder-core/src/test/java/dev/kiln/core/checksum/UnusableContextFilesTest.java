package dev.kiln.core.checksum;

import static dev.kiln.core.checksum.Contexts.checksummer;
import static dev.kiln.core.checksum.Contexts.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.step.SourceFileException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Context files a key cannot be taken of: one whose name is not UTF-8 (a byte 0xff), which Java's
 * decoded name cannot lead back to, and one kiln may not read. Both must fail with an error that
 * names the file and says what to do, never be silently left out; an excluded one is just absent.
 * (A real permission error needs a user other than root: {@code ContextFilesIT} in cli.)
 */
class UnusableContextFilesTest {
  @TempDir Path ctx;

  @BeforeEach
  void context() throws IOException {
    file(ctx, "a.txt", "alpha\n");
    // A path's URI carries its bytes percent-encoded: the one portable way to make such a name.
    Files.writeString(Path.of(URI.create(ctx.toUri() + "bad%FF.bin")), "bytes\n");
  }

  @Test
  void aNameThatIsNotUtf8IsRefusedWhereverItIsSelected() {
    for (String source : List.of(".", "*", "bad*")) {
      SourceFileException e =
          assertThrows(
              SourceFileException.class, () -> checksummer(ctx).select(List.of(source)), source);
      assertEquals(
          "cannot copy \"bad\\xff.bin\" in the build context: its name is not valid UTF-8",
          e.getMessage());
      assertEquals(
          "rename it to a UTF-8 name, or add it to .dockerignore if the image does not need it",
          e.hint());
    }
  }

  @Test
  void aNameThatIsNotUtf8StopsNothingThatDoesNotSelectIt() throws IOException {
    checksummer(ctx).select(List.of("a.txt"));
    checksummer(ctx).select(List.of("*.txt"));
    TreeChecksummer ignoring = checksummer(ctx, "bad*");
    ignoring.select(List.of("."));
    assertEquals(List.of("a.txt"), ignoring.tree().childNames(""));
  }

  @Test
  void aNameThatIsNotUtf8DeepDownIsShownWithItsDirectory() throws IOException {
    Files.createDirectories(ctx.resolve("sub/dir"));
    Files.writeString(Path.of(URI.create(ctx.toUri() + "sub/dir/x%C3%28y")), "");
    SourceFileException e =
        assertThrows(SourceFileException.class, () -> checksummer(ctx, "bad*").checksum("sub"));
    assertTrue(e.getMessage().startsWith("cannot copy \"sub/dir/x\\xc3(y\" in"), e.getMessage());
  }

  @Test
  void aFileThatCannotBeReadIsNamedWithPermissionDenied() throws IOException {
    TreeChecksummer denied =
        checksummer(
            ctx,
            StatMemo.inMemory(),
            file -> {
              throw new AccessDeniedException(file.toString());
            },
            "bad*");
    SourceFileException e =
        assertThrows(SourceFileException.class, () -> denied.select(List.of("a.txt")));
    assertEquals("cannot read \"a.txt\" in the build context: permission denied", e.getMessage());
    String user = System.getProperty("user.name");
    assertEquals(
        "make "
            + ctx.toRealPath().resolve("a.txt")
            + " readable by "
            + user
            + " (the user kiln runs as), or add it to .dockerignore if the image does not need it",
        e.hint());
  }
}
