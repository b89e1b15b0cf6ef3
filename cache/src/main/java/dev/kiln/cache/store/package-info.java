/**
 * kiln's content store: an OCI image layout on disk ({@code oci-layout}, {@code index.json}, {@code
 * blobs/sha256/…}) shared safely by concurrent kiln processes.
 *
 * <p>Start at {@link dev.kiln.cache.store.ContentStore#open}; {@link
 * dev.kiln.cache.store.CacheDirectory} decides where it lives. Blobs are written through {@link
 * dev.kiln.cache.store.PendingBlob} (temp file, fsync, verify, atomic link into place) and read
 * through {@link dev.kiln.cache.store.BlobReader} (optionally verified by {@link
 * dev.kiln.cache.store.VerifyingInputStream}); {@link dev.kiln.cache.store.OciIndexFile} names
 * images under a cross-process lock; {@link dev.kiln.cache.store.LayerRecords} remembers which
 * compressed blob each uncompressed layer became.
 */
package dev.kiln.cache.store;
