package dev.kiln.registry.config;

import dev.kiln.registry.reference.ImageReference;

/**
 * One place a reference may be pulled from: a mirror, or its registry's location.
 *
 * @param reference the reference rewritten for that place
 * @param mirror whether it is a mirror (a failure there moves on to the next place)
 */
public record PullSource(ImageReference reference, boolean mirror) {}
