package dev.kiln.core.image;

import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;

/**
 * One layer of an image as the builder tracks it: the blob's descriptor (what a manifest lists) and
 * its diffID (what the config's {@code rootfs.diff_ids} lists).
 */
public record LayerRef(Descriptor blob, Digest diffId) {}
