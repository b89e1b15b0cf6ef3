/**
 * HTTP downloads of a build's sources (ADD's URLs, a build context given as an http(s) URL): one
 * GET through the environment's proxy, with a time limit until the answer and an idle limit on its
 * body.
 */
package dev.kiln.core.fetch;
