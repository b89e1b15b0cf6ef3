/**
 * The registry client API ({@link dev.kiln.registry.client.RegistryClient}): resolve references,
 * read manifests, configs and verified blob streams, push blobs, images and indexes. One small
 * package-private class per registry endpoint sits behind it.
 */
package dev.kiln.registry.client;
