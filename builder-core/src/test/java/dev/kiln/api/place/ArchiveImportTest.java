package dev.kiln.api.place;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archive shapes that the end-to-end tests (which use archives written by kiln and skopeo) do not
 * reach: a gzip-compressed {@code docker save}, symlinked layers, and hostile entry names.
 */
class ArchiveImportTest {
  @TempDir Path dir;

  private Path tar(String name, boolean gzip, Map<String, String> files, Map<String, String> links)
      throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream raw = Files.newOutputStream(file);
        OutputStream out = gzip ? new GzipCompressorOutputStream(raw) : raw;
        TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      for (Map.Entry<String, String> f : files.entrySet()) {
        byte[] bytes = f.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(f.getKey());
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
      for (Map.Entry<String, String> l : links.entrySet()) {
        TarArchiveEntry entry = new TarArchiveEntry(l.getKey(), TarArchiveEntry.LF_SYMLINK);
        entry.setLinkName(l.getValue());
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
      }
    }
    return file;
  }

  @Test
  void aGzippedOldDockerSaveWithASharedLayerBecomesAnOciLayout() throws IOException {
    String config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\"}}";
    Map<String, String> files = new LinkedHashMap<>();
    files.put("aaa/layer.tar", "layer bytes");
    files.put("cfg.json", config);
    files.put(
        "manifest.json",
        "[{\"Config\":\"cfg.json\",\"RepoTags\":[\"app:1\",\"app:latest\"],"
            + "\"Layers\":[\"aaa/layer.tar\",\"bbb/layer.tar\"]}]");
    Path archive = tar("save.tar.gz", true, files, Map.of("bbb/layer.tar", "../aaa/layer.tar"));
    Path layout = Files.createDirectory(dir.resolve("layout"));

    ArchiveImport.unpack(archive, layout);

    LayoutReader location = new LayoutReader(layout, "test");
    assertEquals(java.util.List.of("app:1", "app:latest"), location.names());
    Descriptor top = location.select("app:1");
    ImageManifest manifest =
        (ImageManifest) Manifests.parse(location.readManifest(top), top.mediaType(), "test");
    Digest layer = Digest.sha256("layer bytes".getBytes(StandardCharsets.UTF_8));
    assertEquals(2, manifest.layers().size());
    assertEquals(layer, manifest.layers().get(0).digest());
    assertEquals(layer, manifest.layers().get(1).digest(), "the symlinked layer is the same blob");
    assertEquals(MediaType.OCI_LAYER, manifest.layers().get(0).mediaType(), "kept uncompressed");
    assertEquals(config, new String(location.readBlob(manifest.config()), StandardCharsets.UTF_8));
    assertTrue(Files.isRegularFile(layout.resolve("oci-layout")));
  }

  @Test
  void anEntryOutsideTheArchiveIsRefused() throws IOException {
    Path archive =
        tar("evil.tar", false, Map.of("../../etc/evil", "x", "index.json", "{}"), Map.of());
    Path layout = Files.createDirectory(dir.resolve("layout"));
    ImageNotFoundException e =
        assertThrows(ImageNotFoundException.class, () -> ArchiveImport.unpack(archive, layout));
    assertTrue(
        e.getMessage().contains("an entry outside the archive: ../../etc/evil"), e.getMessage());
    assertFalse(Files.exists(dir.resolve("etc")));
  }

  @Test
  void aTarThatIsNoImageSaysWhatItExpected() throws IOException {
    Path archive = tar("files.tar", false, Map.of("hello.txt", "hi"), Map.of());
    Path layout = Files.createDirectory(dir.resolve("layout"));
    ImageNotFoundException e =
        assertThrows(ImageNotFoundException.class, () -> ArchiveImport.unpack(archive, layout));
    assertTrue(e.getMessage().contains("neither an OCI archive"), e.getMessage());
    assertTrue(e.hint().contains("docker save"), e.hint());
  }
}
