package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * What a build step produced, enough to skip running it again: its layers (blobs in the content
 * store), its history entry and what it changed in the image config, as JSON bytes only the engine
 * interprets (a delta against the parent step's config, so an entry is as small as its step).
 *
 * <p>Everything here is plain OCI material on purpose: a result can later be exported as an
 * ordinary image manifest whose layers are {@link #layers()} and whose config blob is the entry
 * document ({@link CacheEntryJson}), which any registry accepts.
 *
 * @param layers the layers the step added, in order (empty for config-only steps)
 * @param history the step's history entry
 * @param configChange the step's change to the image config, a JSON document the engine wrote
 */
public record CacheResult(List<CachedLayer> layers, History history, byte[] configChange) {
  public CacheResult {
    layers = List.copyOf(layers);
    Objects.requireNonNull(history, "history");
    configChange = configChange.clone();
  }

  /** A copy of the config change's bytes. */
  @Override
  public byte[] configChange() {
    return configChange.clone();
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
        && Arrays.equals(configChange, other.configChange);
  }

  @Override
  public int hashCode() {
    return Objects.hash(layers, history) * 31 + Arrays.hashCode(configChange);
  }

  @Override
  public String toString() {
    return "CacheResult[layers="
        + layers
        + ", history="
        + history
        + ", configChange="
        + configChange.length
        + " bytes]";
  }
}
