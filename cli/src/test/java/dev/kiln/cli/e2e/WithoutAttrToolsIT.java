package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RUN without {@code getfattr} and {@code setfattr} (Debian's {@code attr} package is not part of a
 * minimal system): kiln hides them in a private mount namespace, as if they were not installed. The
 * build works, says once what it cannot keep, keeps {@code user.*} attributes and the opaque
 * directories of base layers, and gives the same image as with the tools when nothing needs them.
 */
class WithoutAttrToolsIT {
  private static final String[] ATTR_TOOLS = {"/usr/bin/getfattr", "/usr/bin/setfattr"};

  @TempDir Path work;

  @Test
  void runWorksKeepsUserAttributesAndOpaqueDirectoriesAndSaysWhatIsLost() throws Exception {
    KilnCli kiln = new KilnCli(work);
    kiln.buildBusyboxBase();
    // With the tools, RUN on overlayfs: recreating /d leaves an opaque directory in the layer.
    Path base =
        kiln.context(
            "opaque-base",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\n"
                    + "RUN mkdir -p /d && echo old > /d/old\n"
                    + "RUN rm -rf /d && mkdir /d && echo new > /d/new\n"));
    kiln.run("build", "-q", "-t", "opaque-base:1", base.toString()).ok();

    Path context =
        kiln.context(
            "app",
            Map.of(
                "tagged.txt",
                "tagged\n",
                "Dockerfile",
                "FROM opaque-base:1\n"
                    + "COPY tagged.txt /tagged.txt\n"
                    + "RUN ls /d > /listing && chmod 600 /tagged.txt\n"));
    UserDefinedFileAttributeView view =
        Files.getFileAttributeView(
            context.resolve("tagged.txt"), UserDefinedFileAttributeView.class);
    view.write("kiln.test", ByteBuffer.wrap("yes".getBytes(StandardCharsets.US_ASCII)));
    Path out = work.resolve("out");
    KilnCli.Result build =
        kiln.withoutPrograms(ATTR_TOOLS)
            .run(
                "build",
                "--progress=plain",
                "-o",
                "type=oci,tar=false,dest=" + out,
                context.toString())
            .ok();

    assertTrue(
        build
            .stderr()
            .contains(
                "WARNING: getfattr and setfattr are not installed (Debian: apt-get"
                    + " install attr)"),
        build.describe());
    assertTrue(
        build.stderr().contains("RUN snapshots copy: overlayfs needs getfattr and setfattr"),
        build.describe());
    Map<String, TarEntry> top = entries(out, -1);
    assertEquals("new\n", top.get("listing").text(), "the base layer's opaque /d hides /d/old");
    TarEntry tagged = top.get("tagged.txt");
    assertEquals(0600, tagged.mode());
    assertArrayEquals(
        "yes".getBytes(StandardCharsets.US_ASCII),
        tagged.xattrs().get("user.kiln.test"),
        "the user.* attribute of a file RUN changed is recorded: " + tagged.xattrs().keySet());
  }

  @Test
  void theImageIsTheSameWithAndWithoutTheToolsWhenNoAttributeIsInvolved() {
    String dockerfile =
        "FROM busybox:test\n"
            + "RUN mkdir -p /srv && echo hello > /srv/greeting && rm /bin/vi\n"
            + "COPY app.txt /srv/\n"
            + "RUN chmod 640 /srv/app.txt && ln -s /srv/greeting /greeting\n";
    List<String> digests = new ArrayList<>();
    for (boolean tools : new boolean[] {true, false}) {
      KilnCli kiln = new KilnCli(work.resolve(tools ? "with" : "without"));
      if (!tools) {
        kiln = kiln.withoutPrograms(ATTR_TOOLS);
      }
      kiln.buildBusyboxBase();
      Path context = kiln.context("app", Map.of("app.txt", "app\n", "Dockerfile", dockerfile));
      KilnCli.Result build =
          kiln.run(
                  "build",
                  "--progress=plain",
                  "--source-date-epoch",
                  "1700000000",
                  context.toString())
              .ok();
      assertEquals(tools, !build.stderr().contains("getfattr"), build.describe());
      List<String> lines = build.stdout().strip().lines().toList();
      digests.add(lines.get(lines.size() - 1));
    }
    assertEquals(digests.get(0), digests.get(1), "the same image digest");
    assertFalse(digests.get(0).isEmpty());
  }

  /** A file of a layer: its content as text, its mode and its PAX extended attributes. */
  private record TarEntry(String text, int mode, Map<String, byte[]> xattrs) {}

  /** The entries of layer {@code index} (negative: from the top) of the layout's only image. */
  private static Map<String, TarEntry> entries(Path layout, int index) throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode manifest =
        json.readTree(
            blob(
                    layout,
                    json.readTree(layout.resolve("index.json").toFile())
                        .get("manifests")
                        .get(0)
                        .get("digest")
                        .asText())
                .toFile());
    JsonNode layers = manifest.get("layers");
    String digest = layers.get(index < 0 ? layers.size() + index : index).get("digest").asText();
    Map<String, TarEntry> out = new HashMap<>();
    try (InputStream raw = Files.newInputStream(blob(layout, digest));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(raw))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Map<String, byte[]> xattrs = new HashMap<>();
        entry
            .getExtraPaxHeaders()
            .forEach(
                (key, value) -> {
                  if (key.startsWith("SCHILY.xattr.")) {
                    xattrs.put(
                        key.substring("SCHILY.xattr.".length()),
                        value.getBytes(StandardCharsets.ISO_8859_1));
                  }
                });
        String text = new String(tar.readAllBytes(), StandardCharsets.UTF_8);
        out.put(entry.getName(), new TarEntry(text, entry.getMode() & 07777, xattrs));
      }
    }
    return out;
  }

  private static Path blob(Path layout, String digest) {
    return layout.resolve("blobs").resolve(digest.replace(':', '/'));
  }
}
