package dev.kiln.cache.remote;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.cache.buildcache.CacheEntry;
import dev.kiln.cache.buildcache.CacheEntryJson;
import dev.kiln.cache.buildcache.CacheKey;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.model.RootFs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Build-cache entries packed as one plain OCI image, so any registry that stores images stores them
 * (no index, no custom config media type for a registry to reject): the layers are every blob the
 * entries need, the config is an ordinary image config whose {@code rootfs} lists those layers,
 * carrying the entries (and the content checksums of {@code COPY --from} selections, so an importer
 * need not read a stage's layers to key a copy) under {@value #FIELD}. Pure.
 *
 * @param entries the exported steps, keyed
 * @param selections content checksums of {@code COPY --from} selections by their memo name
 */
public record CacheBundle(List<CacheEntry> entries, Map<String, Digest> selections) {
  /** The config field that carries the cache. */
  public static final String FIELD = "kiln.buildcache.v2";

  private static final ObjectMapper JSON = new ObjectMapper();

  public CacheBundle {
    entries = List.copyOf(entries);
    selections = Map.copyOf(new TreeMap<>(selections));
  }

  /** The entry for {@code key}, if the bundle has one. */
  public Optional<CacheEntry> find(CacheKey key) {
    return entries.stream().filter(e -> e.key().equals(key)).findFirst();
  }

  /** Every layer the entries use, once each, in the order they first appear. */
  public List<CachedLayer> layers() {
    Map<Digest, CachedLayer> unique = new LinkedHashMap<>();
    for (CacheEntry entry : entries) {
      for (CachedLayer layer : entry.result().layers()) {
        unique.putIfAbsent(layer.blob().digest(), layer);
      }
    }
    return new ArrayList<>(unique.values());
  }

  /** The image config carrying this bundle. Deterministic for the same entries. */
  public ImageConfig config() {
    ObjectNode cache = JSON.createObjectNode();
    ArrayNode list = cache.putArray("entries");
    List<CacheEntry> sorted = new ArrayList<>(entries);
    sorted.sort((a, b) -> a.key().toString().compareTo(b.key().toString()));
    for (CacheEntry entry : sorted) {
      try {
        list.add(JSON.readTree(CacheEntryJson.write(entry)));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    ObjectNode sel = cache.putObject("selections");
    new TreeMap<>(selections).forEach((name, digest) -> sel.put(name, digest.toString()));
    List<Digest> diffIds = layers().stream().map(CachedLayer::diffId).toList();
    return new ImageConfig.Builder()
        .created("1970-01-01T00:00:00Z")
        .platform(Platform.linuxAmd64())
        .rootfs(RootFs.of(diffIds))
        .history(List.of())
        .extra(Map.of(FIELD, cache))
        .build();
  }

  /** The manifest of the carrying image. */
  public ImageManifest manifest() {
    ImageConfig config = config();
    List<Descriptor> layers = layers().stream().map(CachedLayer::blob).toList();
    return ImageManifest.of(
        MediaType.OCI_MANIFEST,
        Descriptor.of(MediaType.OCI_CONFIG, config.raw().digest(), config.raw().size()),
        layers);
  }

  /**
   * Reads a bundle from the config of a carrying image.
   *
   * @throws IllegalArgumentException when the config carries no kiln cache or an unreadable one
   */
  public static CacheBundle fromConfig(byte[] configBytes) {
    JsonNode root;
    try {
      root = JSON.readTree(configBytes);
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "the cache image's config is not JSON: " + e.getMessage(), e);
    }
    JsonNode cache = root.path(FIELD);
    if (!cache.isObject()) {
      throw new IllegalArgumentException(
          "the image is not a kiln build cache (its config has no " + FIELD + ")");
    }
    List<CacheEntry> entries = new ArrayList<>();
    for (JsonNode node : cache.path("entries")) {
      try {
        entries.add(CacheEntryJson.read(JSON.writeValueAsBytes(node)));
      } catch (IOException e) {
        throw new IllegalArgumentException(e);
      }
    }
    Map<String, Digest> selections = new LinkedHashMap<>();
    cache
        .path("selections")
        .fields()
        .forEachRemaining(f -> selections.put(f.getKey(), Digest.parse(f.getValue().asText())));
    return new CacheBundle(entries, selections);
  }
}
