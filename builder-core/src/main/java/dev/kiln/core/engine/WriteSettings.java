package dev.kiln.core.engine;

import dev.kiln.core.layer.LayerOptions;

/**
 * How a build stamps what it writes: the times of its config, history and own entries, and how its
 * layers are written.
 *
 * @param created RFC 3339 time written into the config and history ({@code SOURCE_DATE_EPOCH} or
 *     the build's start)
 * @param createdSeconds the time of entries the build creates itself (directories, heredoc files):
 *     {@code SOURCE_DATE_EPOCH}, or 0 without it, so that layers never depend on the clock
 * @param layerOptions compression and timestamps of the layers
 */
record WriteSettings(String created, long createdSeconds, LayerOptions layerOptions) {}
