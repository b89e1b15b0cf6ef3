package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContextArchiveTest {
  @TempDir Path temp;

  @Test
  void missingParentsAreMadeAndFilesKeepTheirContent() throws Exception {
    Path context = Files.createDirectory(temp.resolve("context"));
    unpack(context, tar(file("a/b/c.txt", "c\n")));

    assertEquals("c\n", Files.readString(context.resolve("a/b/c.txt")));
    assertTrue(Files.isDirectory(context.resolve("a/b"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void noEntryGoesThroughALinkAnEarlierEntryMadeEvenOneThatStaysInside() throws Exception {
    Path context = Files.createDirectory(temp.resolve("context"));
    byte[] archive = tar(directory("real/"), link("alias", "real"), file("alias/x.txt", "x\n"));

    RequestException e = assertThrows(RequestException.class, () -> unpack(context, archive));

    assertTrue(e.getMessage().contains("alias/x.txt"), e.getMessage());
    assertFalse(Files.exists(context.resolve("real/x.txt")));
  }

  @Test
  void aNameThatClimbsOutIsRefused() throws Exception {
    Path context = Files.createDirectory(temp.resolve("context"));

    RequestException e =
        assertThrows(RequestException.class, () -> unpack(context, tar(file("../out.txt", "x\n"))));

    assertTrue(e.getMessage().contains("outside the context"), e.getMessage());
    assertFalse(Files.exists(temp.resolve("out.txt")));
  }

  @Test
  void aFileWhereADirectoryIsNeededFails() throws Exception {
    Path context = Files.createDirectory(temp.resolve("context"));
    byte[] archive = tar(file("f", "f\n"), file("f/g.txt", "g\n"));

    assertThrows(FileAlreadyExistsException.class, () -> unpack(context, archive));
  }

  private static void unpack(Path context, byte[] archive) throws Exception {
    ContextArchive.unpack(new ByteArrayInputStream(archive), context);
  }

  private interface Entry {
    void write(TarArchiveOutputStream tar) throws Exception;
  }

  private static Entry file(String name, String text) {
    return tar -> {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setSize(bytes.length);
      e.setMode(0100644);
      tar.putArchiveEntry(e);
      tar.write(bytes);
      tar.closeArchiveEntry();
    };
  }

  private static Entry directory(String name) {
    return tar -> {
      TarArchiveEntry e = new TarArchiveEntry(name);
      e.setMode(040755);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    };
  }

  private static Entry link(String name, String target) {
    return tar -> {
      TarArchiveEntry e = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(target);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
    };
  }

  private static byte[] tar(Entry... entries) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      for (Entry e : entries) {
        e.write(tar);
      }
    }
    return out.toByteArray();
  }
}
