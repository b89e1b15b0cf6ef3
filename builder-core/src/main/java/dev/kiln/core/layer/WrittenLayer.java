package dev.kiln.core.layer;

import dev.kiln.registry.model.Digest;

/**
 * A layer blob in the content store, with what a manifest and an image config need about it.
 *
 * @param digest the compressed blob's digest (manifest {@code layers[].digest})
 * @param size the compressed blob's size in bytes
 * @param mediaType the layer media type (manifest {@code layers[].mediaType})
 * @param diffId sha256 of the uncompressed tar (config {@code rootfs.diff_ids})
 * @param uncompressedSize the uncompressed tar's size
 * @param compression the blob's compression
 * @param reused true if the blob was already recorded for this diffID and nothing new was stored
 */
public record WrittenLayer(
    Digest digest,
    long size,
    String mediaType,
    Digest diffId,
    long uncompressedSize,
    Compression compression,
    boolean reused) {}
