/**
 * Answering registry challenges: {@code WWW-Authenticate} parsing, bearer tokens per scope from the
 * token server, and the interceptor that puts Basic or Bearer credentials on requests.
 */
package dev.kiln.registry.auth;
