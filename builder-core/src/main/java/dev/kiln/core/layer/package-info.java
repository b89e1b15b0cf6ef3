/**
 * Image layers: deterministic tar + compression written straight into the content store, read back
 * as a stream, and extracted into a directory without ever writing outside it.
 *
 * <p>Entries ({@link dev.kiln.core.layer.LayerEntry}) come from a directory walk ({@link
 * dev.kiln.core.layer.DirectoryEntries}), another layer ({@link dev.kiln.core.layer.LayerReader})
 * or are made directly (directories, heredoc files, whiteouts). {@link
 * dev.kiln.core.layer.LayerTree} puts them in canonical order, {@link
 * dev.kiln.core.layer.LayerWriter} writes them ({@link dev.kiln.core.layer.LayerOptions}: gzip,
 * zstd or none, SOURCE_DATE_EPOCH), and {@link dev.kiln.core.layer.LayerExtractor} applies layers
 * to a directory.
 */
package dev.kiln.core.layer;
