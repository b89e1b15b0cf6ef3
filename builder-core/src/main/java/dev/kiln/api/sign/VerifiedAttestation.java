package dev.kiln.api.sign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.registry.model.Digest;

/**
 * A signed attestation that verified.
 *
 * @param image the image it is about (its subject)
 * @param predicateType e.g. {@code https://spdx.dev/Document} or {@code
 *     https://slsa.dev/provenance/v1}
 * @param statement the in-toto statement, now trusted
 * @param layer the envelope's digest in the {@code .att} image
 */
public record VerifiedAttestation(
    Digest image, String predicateType, JsonNode statement, Digest layer) {}
