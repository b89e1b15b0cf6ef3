/**
 * What the client reports while it works ({@link dev.kiln.registry.event.RegistryEvent}: requests,
 * retries, credentials used, blob progress) and the counts derived from it ({@link
 * dev.kiln.registry.event.TransferStats}).
 */
package dev.kiln.registry.event;
