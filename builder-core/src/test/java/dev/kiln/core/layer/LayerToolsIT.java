package dev.kiln.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cache.store.StoredBlob;
import dev.kiln.registry.model.Compression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real tools accept kiln's layers: GNU tar lists and extracts them (with binary xattrs), gzip and
 * zstd verify the streams, umoci unpacks them from kiln's content store (an OCI layout) and after
 * {@code umoci raw add-layer}; and kiln reads what GNU tar writes. Runs as root (devices, owners,
 * {@code security.capability}).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LayerToolsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dir;

  private static List<LayerEntry> sorted(List<LayerEntry> entries) {
    return new LayerTree().addAll(entries).entries();
  }

  /**
   * Everything except whiteouts, which GNU tar would extract as plain files. Every parent directory
   * is an entry with a fixed time: a directory neither tool is told about gets the current time,
   * and the two extractions can straddle a second.
   */
  private static List<LayerEntry> rootfsEntries() {
    return new LayerTree(new LayerTree.ImplicitParents(0755, 0, 0, 1_600_000_000L))
        .addAll(SampleEntries.everything().stream().filter(e -> !e.isWhiteout()).toList())
        .entries();
  }

  private Path writeBlob(String name, List<LayerEntry> entries, Compression compression)
      throws IOException {
    Path file = dir.resolve(name);
    try (OutputStream out = Files.newOutputStream(file)) {
      LayerWriter.writeTo(out, entries, LayerOptions.defaults().withCompression(compression));
    }
    return file;
  }

  private Path kilnExtract(Path blob, String name) throws IOException {
    Path target = Files.createDirectory(dir.resolve(name));
    new LayerExtractor(target, ExtractOptions.full()).extract(Files.newInputStream(blob));
    return target;
  }

  @Test
  void gnuTarListsEveryEntryAndTheCompressorsVerifyTheStreams() throws Exception {
    List<LayerEntry> entries = sorted(SampleEntries.everything());
    Set<String> expected = new TreeSet<>();
    for (LayerEntry e : entries) {
      expected.add(e.path() + (e.type() == EntryType.DIRECTORY ? "/" : ""));
    }
    for (Compression c : Compression.values()) {
      Path blob = writeBlob("layer-" + c, entries, c);
      WrittenLayer layer =
          LayerWriter.writeTo(
              OutputStream.nullOutputStream(), entries, LayerOptions.defaults().withCompression(c));
      String listing = Commands.run(dir, "tar", "-tf", blob.toString());
      assertEquals(expected, new TreeSet<>(List.of(listing.split("\n"))), c.toString());
      Commands.run(dir, "tar", "-tvf", blob.toString());
      String decompress =
          switch (c) {
            case GZIP -> "gzip -t " + blob + " && gzip -dc " + blob;
            case ZSTD -> "zstd -q -t " + blob + " && zstd -q -dc " + blob;
            default -> "cat " + blob;
          };
      String sha = Commands.shell(dir, decompress + " | sha256sum").split(" ")[0];
      assertEquals(layer.diffId().hex(), sha, "diffID of " + c);
    }
  }

  @Test
  void gnuTarExtractsTheSameTreeAsKiln() throws Exception {
    Path blob = writeBlob("layer.tar", rootfsEntries(), Compression.NONE);
    Path gnu = Files.createDirectory(dir.resolve("gnu"));
    Commands.run(
        gnu, "tar", "--xattrs", "--xattrs-include=*", "--numeric-owner", "-xpf", blob.toString());
    Path kiln = kilnExtract(blob, "kiln");
    assertEquals(TreeSnapshot.of(gnu, true), TreeSnapshot.of(kiln, true));
    String caps =
        Commands.run(
            dir,
            "getfattr",
            "-n",
            "security.capability",
            "-e",
            "hex",
            "--absolute-names",
            gnu.resolve("usr/bin/ping").toString());
    assertTrue(caps.contains("security.capability=0x0100000200040000"), caps);
  }

  private static StoredBlob json(ContentStore store, Object value) throws IOException {
    return store.blobWriter().write(JSON.writeValueAsBytes(value));
  }

  /** Tags an image with one layer in the store, so that the store can be used as an OCI layout. */
  private static void tagImage(ContentStore store, String tag, WrittenLayer layer)
      throws IOException {
    StoredBlob config =
        json(
            store,
            Map.of(
                "architecture",
                "amd64",
                "os",
                "linux",
                "config",
                Map.of(),
                "rootfs",
                Map.of("type", "layers", "diff_ids", List.of(layer.diffId().toString()))));
    StoredBlob manifest =
        json(
            store,
            Map.of(
                "schemaVersion",
                2,
                "mediaType",
                "application/vnd.oci.image.manifest.v1+json",
                "config",
                Map.of(
                    "mediaType", "application/vnd.oci.image.config.v1+json",
                    "digest", config.digest().toString(),
                    "size", config.size()),
                "layers",
                List.of(
                    Map.of(
                        "mediaType", layer.mediaType(),
                        "digest", layer.digest().toString(),
                        "size", layer.size()))));
    store
        .index()
        .tag(
            tag,
            IndexEntry.of(
                "application/vnd.oci.image.manifest.v1+json", manifest.digest(), manifest.size()));
  }

  @Test
  void umociUnpacksAGzipLayerFromKilnsContentStore() throws Exception {
    ContentStore store = ContentStore.open(dir.resolve("store"));
    List<LayerEntry> entries = sorted(SampleEntries.everything());
    WrittenLayer layer = new LayerWriter(store, LayerOptions.defaults()).write(entries);
    tagImage(store, "gzip", layer);

    Commands.run(dir, "umoci", "unpack", "--image", store.paths().root() + ":gzip", "bundle");
    Path kiln = kilnExtract(store.paths().blob(layer.digest()), "kiln");
    assertEquals(
        TreeSnapshot.of(kiln, false), TreeSnapshot.of(dir.resolve("bundle/rootfs"), false));
  }

  @Test
  void umociRawAddLayerAcceptsTheUncompressedTar() throws Exception {
    Path blob = writeBlob("layer.tar", sorted(SampleEntries.everything()), Compression.NONE);
    Commands.run(dir, "umoci", "init", "--layout", "oci");
    Commands.run(dir, "umoci", "new", "--image", "oci:t");
    Commands.run(dir, "umoci", "raw", "add-layer", "--image", "oci:t", blob.toString());
    Commands.run(dir, "umoci", "unpack", "--image", "oci:t", "bundle");
    Path kiln = kilnExtract(blob, "kiln");
    assertEquals(
        TreeSnapshot.of(kiln, false), TreeSnapshot.of(dir.resolve("bundle/rootfs"), false));
  }

  @Test
  void kilnReadsWhatGnuTarWritesIncludingBinaryXattrs() throws Exception {
    Path src = Files.createDirectory(dir.resolve("src"));
    Path tool = Files.writeString(src.resolve("tool"), "binary");
    Commands.run(
        src,
        "setfattr",
        "-n",
        "security.capability",
        "-v",
        "0x0100000200040000000000000000000000000000",
        "tool");
    Commands.run(src, "setfattr", "-n", "user.odd", "-v", "0x80ff000a3dc328", "tool");
    Files.createLink(src.resolve("tool-link"), tool);
    Files.createSymbolicLink(src.resolve("sym"), Path.of("tool"));
    String longName = "l".repeat(120) + "/" + "m".repeat(130);
    Files.createDirectories(src.resolve(longName).getParent());
    Files.writeString(src.resolve(longName), "long");
    Commands.run(src, "mknod", "fifo", "p");
    Commands.run(src, "mknod", "null", "c", "1", "3");

    for (String format : List.of("posix", "gnu")) {
      Path archive = dir.resolve(format + ".tar");
      List<String> tar =
          new ArrayList<>(List.of("tar", "--format=" + format, "-cf", archive.toString()));
      if (format.equals("posix")) {
        tar.addAll(List.of("--xattrs", "--xattrs-include=*")); // GNU tar stores xattrs only in PAX
      }
      tar.add(".");
      Commands.run(src, tar.toArray(new String[0]));
      Map<String, LayerEntry> read = new java.util.TreeMap<>();
      try (LayerReader reader = LayerReader.open(Files.newInputStream(archive))) {
        Optional<LayerEntry> e;
        while ((e = reader.next()).isPresent()) {
          read.put(e.get().path(), e.get());
        }
      }
      List<String> names = new ArrayList<>(read.keySet());
      assertTrue(
          names.containsAll(List.of("tool", "tool-link", "sym", "fifo", "null", longName)),
          format + ": " + names);
      LayerEntry file =
          read.get("tool").type() == EntryType.REGULAR ? read.get("tool") : read.get("tool-link");
      LayerEntry link = file == read.get("tool") ? read.get("tool-link") : read.get("tool");
      assertEquals(EntryType.REGULAR, file.type());
      assertEquals(file.path(), link.linkTarget());
      if (format.equals("posix")) {
        assertArrayEquals(SampleEntries.CAPABILITY, file.xattrs().get("security.capability"));
        assertArrayEquals(
            new byte[] {(byte) 0x80, (byte) 0xff, 0, 0x0a, '=', (byte) 0xc3, 0x28},
            file.xattrs().get("user.odd"));
      }
      assertEquals(EntryType.HARDLINK, link.type());
      assertEquals(EntryType.SYMLINK, read.get("sym").type());
      assertEquals(EntryType.FIFO, read.get("fifo").type());
      assertEquals(EntryType.CHAR_DEVICE, read.get("null").type());
      assertEquals(1, read.get("null").devMajor());
      assertEquals(3, read.get("null").devMinor());
    }
  }
}
