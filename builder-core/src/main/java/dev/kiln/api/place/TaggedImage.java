package dev.kiln.api.place;

import dev.kiln.registry.model.Digest;

/**
 * An image {@link Places#tag} named.
 *
 * @param name the new name, in full
 * @param digest the manifest (or index) it names
 * @param where {@code kiln's local store} or {@code the registry}
 */
public record TaggedImage(String name, Digest digest, String where) {}
