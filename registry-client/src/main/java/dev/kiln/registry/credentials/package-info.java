/**
 * Where registry credentials come from: small {@link
 * dev.kiln.registry.credentials.CredentialSource}s (explicit, Docker's config.json with its
 * credential helpers, containers auth.json) composed by {@link
 * dev.kiln.registry.credentials.CredentialChain}.
 */
package dev.kiln.registry.credentials;
