package dev.kiln.cache.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The store's {@code index.json}: the list of images (manifests and indexes) it names.
 *
 * <p>Updates are read-modify-write under {@link StoreLock} on {@code kiln/index.lock}, so two kiln
 * processes tagging images at once never lose each other's entry; the new file replaces the old one
 * atomically, so readers need no lock. Top-level fields and descriptor fields kiln does not model
 * are written back unchanged.
 */
public final class OciIndexFile {
  static final String INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StorePaths paths;

  OciIndexFile(StorePaths paths) {
    this.paths = paths;
  }

  /** The current entries, in file order (empty if there is no index yet). */
  public List<IndexEntry> entries() throws IOException {
    return parseEntries(readRoot());
  }

  /** The entry tagged {@code refName}, if any. */
  public Optional<IndexEntry> find(String refName) throws IOException {
    return entries().stream().filter(e -> e.refName().equals(Optional.of(refName))).findFirst();
  }

  /**
   * Applies {@code change} to the entries while holding the index lock and writes the result.
   *
   * @return the entries now in the index
   */
  public List<IndexEntry> update(UnaryOperator<List<IndexEntry>> change) throws IOException {
    StoreLock lock = StoreLock.acquire(paths.indexLockFile());
    try {
      ObjectNode root = readRoot();
      List<IndexEntry> changed = List.copyOf(change.apply(parseEntries(root)));
      ArrayNode manifests = root.putArray("manifests");
      for (IndexEntry entry : changed) {
        manifests.add(toJson(entry));
      }
      AtomicFile.write(paths.indexFile(), JSON.writeValueAsBytes(root));
      return changed;
    } finally {
      lock.close();
    }
  }

  /** Names {@code entry} {@code refName}, replacing whatever had that name. */
  public void tag(String refName, IndexEntry entry) throws IOException {
    IndexEntry named = entry.withRefName(refName);
    update(
        entries -> {
          List<IndexEntry> result = new ArrayList<>();
          for (IndexEntry e : entries) {
            if (!e.refName().equals(Optional.of(refName))) {
              result.add(e);
            }
          }
          result.add(named);
          return result;
        });
  }

  /** Removes the entry named {@code refName}; returns whether there was one. */
  public boolean untag(String refName) throws IOException {
    boolean[] removed = {false};
    update(
        entries -> {
          List<IndexEntry> result = new ArrayList<>();
          for (IndexEntry e : entries) {
            if (e.refName().equals(Optional.of(refName))) {
              removed[0] = true;
            } else {
              result.add(e);
            }
          }
          return result;
        });
    return removed[0];
  }

  /** Writes an empty index if none exists yet (under the lock, so never over a real one). */
  void createIfMissing() throws IOException {
    if (!Files.exists(paths.indexFile())) {
      update(entries -> entries);
    }
  }

  private ObjectNode readRoot() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(paths.indexFile());
    } catch (NoSuchFileException e) {
      ObjectNode fresh = JSON.createObjectNode();
      fresh.put("schemaVersion", 2);
      fresh.put("mediaType", INDEX_MEDIA_TYPE);
      fresh.putArray("manifests");
      return fresh;
    }
    try {
      JsonNode node = JSON.readTree(bytes);
      if (!(node instanceof ObjectNode object)) {
        throw new IOException(paths.indexFile() + " is not a JSON object");
      }
      return object;
    } catch (JsonProcessingException e) {
      throw new IOException(
          paths.indexFile()
              + " is not valid JSON ("
              + e.getOriginalMessage()
              + "); restore it or remove the store at "
              + paths.root(),
          e);
    }
  }

  private List<IndexEntry> parseEntries(ObjectNode root) throws IOException {
    JsonNode manifests = root.path("manifests");
    List<IndexEntry> entries = new ArrayList<>();
    if (manifests.isMissingNode() || manifests.isNull()) {
      return entries;
    }
    if (!manifests.isArray()) {
      throw new IOException(paths.indexFile() + ": \"manifests\" is not an array");
    }
    int i = 0;
    for (JsonNode m : manifests) {
      try {
        entries.add(fromJson(m));
      } catch (IllegalArgumentException e) {
        throw new IOException(
            paths.indexFile()
                + ": manifests["
                + i
                + "] is not a valid descriptor: "
                + e.getMessage(),
            e);
      }
      i++;
    }
    return entries;
  }

  private static IndexEntry fromJson(JsonNode node) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    node.path("annotations")
        .fields()
        .forEachRemaining(f -> annotations.put(f.getKey(), f.getValue().asText()));
    Map<String, Object> other = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      switch (f.getKey()) {
        case "mediaType", "digest", "size", "annotations" -> {}
        default -> other.put(f.getKey(), JSON.convertValue(f.getValue(), Object.class));
      }
    }
    JsonNode size = node.path("size");
    if (!size.canConvertToLong()) {
      throw new IllegalArgumentException("size is missing or not a number");
    }
    return new IndexEntry(
        node.path("mediaType").asText(null),
        Digest.parse(node.path("digest").asText(null)),
        size.asLong(),
        annotations,
        other);
  }

  private static ObjectNode toJson(IndexEntry entry) {
    ObjectNode node = JSON.createObjectNode();
    node.put("mediaType", entry.mediaType());
    node.put("digest", entry.digest().toString());
    node.put("size", entry.size());
    node.setAll(JSON.<ObjectNode>valueToTree(entry.otherFields()));
    if (!entry.annotations().isEmpty()) {
      node.set("annotations", JSON.valueToTree(entry.annotations()));
    }
    return node;
  }
}
