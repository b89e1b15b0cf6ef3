package dev.kiln.core.checksum;

import dev.kiln.registry.model.Digest;

/**
 * One path a COPY source selected.
 *
 * @param source the source as written in the instruction
 * @param path the selected path as named through the source (relative to the tree's root; "" is the
 *     root); its last component is the name a copy gives it
 * @param resolvedPath where it really is, after following symlinks in its parent directories
 * @param checksum the checksum of what is there (a directory: of everything below it); for a
 *     symlink, of the link itself and of what it points to
 */
public record SelectedPath(String source, String path, String resolvedPath, Digest checksum) {}
