package dev.kiln.api.sign;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import java.util.Optional;

/**
 * Where a signature went.
 *
 * @param image the signed image, by digest
 * @param signatureTag the {@code sha256-<hex>.sig} reference cosign reads
 * @param referrer the OCI 1.1 referrer manifest's digest; empty when the registry has no referrers
 *     API (kiln then relies on the tag alone, as cosign does by default)
 */
public record SignedImage(
    ImageReference image, ImageReference signatureTag, Optional<Digest> referrer) {}
