/**
 * The settings other container tools keep on the machine, read so that kiln behaves as they do:
 * where the files are ({@link dev.kiln.registry.config.ConfigLocations}), registries.conf with its
 * drop-ins, Docker's daemon.json and kiln's own registries.conf ({@link
 * dev.kiln.registry.config.RegistriesConfig}: mirrors, blocked and insecure registries, short
 * names), and all of it with the proxy variables and certs.d directories as one {@link
 * dev.kiln.registry.config.MachineSettings}.
 */
package dev.kiln.registry.config;
