package dev.kiln.api.place;

import dev.kiln.registry.model.Digest;

/**
 * A name {@link Places#untag} removed from kiln's local store.
 *
 * @param name the name as the store had it ({@code docker.io/library/app:1}, or the digest of an
 *     image stored without a name)
 * @param digest the manifest (or index) it named
 */
public record UntaggedImage(String name, Digest digest) {}
