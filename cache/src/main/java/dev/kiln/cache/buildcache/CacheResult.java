package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a build step produced, enough to skip running it again: its layers (blobs in the content
 * store), its history entry and the image config it left behind, as raw JSON bytes the engine
 * restores the config from.
 *
 * <p>Everything here is plain OCI material on purpose: a result can later be exported as an
 * ordinary image manifest whose layers are {@link #layers()} and whose config blob is the entry
 * document ({@link CacheEntryJson}), which any registry accepts.
 *
 * @param layers the layers the step added, in order (empty for config-only steps)
 * @param history the step's history entry
 * @param configJson the image config after the step, exactly as the engine serialised it
 */
public record CacheResult(List<CachedLayer> layers, History history, byte[] configJson) {
  public CacheResult {
    layers = List.copyOf(layers);
    Objects.requireNonNull(history, "history");
    configJson = configJson.clone();
  }

  /** A copy of the config bytes. */
  @Override
  public byte[] configJson() {
    return configJson.clone();
  }

  /** The digests of the compressed layer blobs this result needs in the store. */
  public List<Digest> blobs() {
    return layers.stream().map(l -> l.blob().digest()).toList();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CacheResult other
        && layers.equals(other.layers)
        && history.equals(other.history)
        && Arrays.equals(configJson, other.configJson);
  }

  @Override
  public int hashCode() {
    return Objects.hash(layers, history) * 31 + Arrays.hashCode(configJson);
  }

  @Override
  public String toString() {
    return "CacheResult[layers="
        + layers
        + ", history="
        + history
        + ", config="
        + configJson.length
        + " bytes]";
  }
}
