package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;

/**
 * A blob now in the content store.
 *
 * @param digest its digest
 * @param size its size in bytes
 * @param alreadyPresent true when the store already had it (another writer, perhaps another kiln
 *     process, published the same content first) and the bytes just written were discarded
 */
public record StoredBlob(Digest digest, long size, boolean alreadyPresent) {}
