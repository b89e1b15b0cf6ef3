/**
 * The HTTP layer as a chain of small interceptors (user agent, retry, scheme/ping, auth, redirect,
 * request events) ending in google-http-client over Apache HttpClient; the security policy (TLS,
 * plain HTTP, certs.d); and the error types every registry failure is reported with.
 */
package dev.kiln.registry.transport;
