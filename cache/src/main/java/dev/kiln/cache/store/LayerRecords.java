package dev.kiln.cache.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The {@code diffID → compressed blob} records, one file per (compression kind, diffID).
 *
 * <p>A record is only returned while its blob is still in the store with the recorded size, so a
 * pruned blob turns its record into a miss instead of a dangling reference. Records are replaced
 * atomically; when two processes record the same diffID at once the last one wins, and both blobs
 * are valid, so no lock is needed.
 */
public final class LayerRecords {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StorePaths paths;
  private final BlobReader blobs;

  LayerRecords(StorePaths paths, BlobReader blobs) {
    this.paths = paths;
    this.blobs = blobs;
  }

  /**
   * The blob recorded for {@code diffId} compressed with {@code compression}, if still stored; a
   * found blob is retained against a concurrent prune ({@link ContentStore#retain}).
   */
  public Optional<LayerRecord> find(Digest diffId, String compression) throws IOException {
    Path file = paths.layerRecord(compression, diffId);
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    LayerRecord record;
    try {
      record = fromJson(JSON.readTree(bytes));
    } catch (JsonProcessingException | IllegalArgumentException e) {
      // A damaged record only costs a recompression; it must never fail a build.
      return Optional.empty();
    }
    if (!record.diffId().equals(diffId) || !record.compression().equals(compression)) {
      return Optional.empty();
    }
    OptionalLong size = blobs.size(record.digest());
    if (size.isEmpty() || size.getAsLong() != record.size()) {
      return Optional.empty();
    }
    // The caller is about to reuse the blob: keep a concurrent prune from collecting it.
    if (!BlobRetention.retain(paths, java.util.List.of(record.digest())).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(record);
  }

  /**
   * Records {@code record}, whose blob must already be in the store (a record must never point at
   * content that is not there).
   */
  public void put(LayerRecord record) throws IOException {
    OptionalLong size = blobs.size(record.digest());
    if (size.isEmpty()) {
      throw new BlobNotFoundException(record.digest(), paths.root());
    }
    if (size.getAsLong() != record.size()) {
      throw new IllegalArgumentException(
          "layer record for "
              + record.diffId()
              + " says "
              + record.digest()
              + " has "
              + record.size()
              + " bytes but the store holds "
              + size.getAsLong());
    }
    AtomicFile.write(
        paths.layerRecord(record.compression(), record.diffId()),
        JSON.writeValueAsBytes(toJson(record)));
  }

  private static ObjectNode toJson(LayerRecord record) {
    ObjectNode node = JSON.createObjectNode();
    node.put("diffID", record.diffId().toString());
    node.put("compression", record.compression());
    node.put("digest", record.digest().toString());
    node.put("size", record.size());
    node.put("mediaType", record.mediaType());
    node.put("uncompressedSize", record.uncompressedSize());
    return node;
  }

  private static LayerRecord fromJson(JsonNode node) {
    return new LayerRecord(
        Digest.parse(node.path("diffID").asText(null)),
        node.path("compression").asText(null),
        Digest.parse(node.path("digest").asText(null)),
        node.path("size").asLong(-1),
        node.path("mediaType").asText(null),
        node.path("uncompressedSize").asLong(-1));
  }
}
