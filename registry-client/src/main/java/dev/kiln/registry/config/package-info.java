/**
 * The settings other container tools keep on the machine, read so that kiln behaves as they do:
 * where the files are ({@link dev.kiln.registry.config.ConfigLocations}), {@code certs.d}
 * directories, proxies aside (see {@link dev.kiln.registry.transport.ProxySettings}).
 */
package dev.kiln.registry.config;
