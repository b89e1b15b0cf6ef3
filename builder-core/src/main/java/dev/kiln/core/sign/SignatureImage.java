package dev.kiln.core.sign;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.JsonBytes;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The image cosign keeps an image's signatures in: an OCI manifest, tagged {@code sha256-<hex>.sig}
 * in the image's repository, whose layers are signed payloads ({@code
 * application/vnd.dev.cosign.simplesigning.v1+json}) each carrying its base64 signature in the
 * {@code dev.cosignproject.cosign/signature} annotation, and whose config lists the layers as diff
 * IDs (the config is there for registries that insist on one; nobody reads it).
 *
 * <p>As an OCI 1.1 referrer the same layers go in a manifest whose {@code subject} is the signed
 * image and whose {@code artifactType} and config media type are {@code
 * application/vnd.dev.cosign.artifact.sig.v1+json} (cosign's {@code
 * --registry-referrers-mode=oci-1-1}).
 *
 * <p>Signed attestations ({@code cosign attest}) use the same image under the {@code .att} tag, and
 * as a referrer the artifact type {@code application/vnd.dev.cosign.artifact.att.v1+json}.
 *
 * @param layers the signatures, in the order they were added
 */
public record SignatureImage(List<Descriptor> layers) {
  public static final String PAYLOAD_MEDIA_TYPE =
      "application/vnd.dev.cosign.simplesigning.v1+json";
  public static final String SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";
  public static final String ARTIFACT_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json";

  /** The artifact type of an attestation referrer (cosign's name for the {@code .att} kind). */
  public static final String ATTESTATION_ARTIFACT_TYPE =
      "application/vnd.dev.cosign.artifact.att.v1+json";

  /**
   * The annotation cosign puts on an attestation layer, naming the statement's predicate type so
   * that readers can pick an attestation without opening each envelope.
   */
  public static final String PREDICATE_TYPE_ANNOTATION = "predicateType";

  private static final ObjectMapper JSON = new ObjectMapper();

  public SignatureImage {
    layers = List.copyOf(layers);
  }

  /** The tag cosign reads an image's signatures from: {@code sha256-<hex>.sig}. */
  public static String tagFor(Digest image) {
    return image.algorithm() + "-" + image.hex() + ".sig";
  }

  /**
   * The tag cosign reads an image's signed attestations from: {@code sha256-<hex>.att}, an image of
   * the same shape whose layers are DSSE envelopes ({@link DsseEnvelope#MEDIA_TYPE}).
   */
  public static String attestationTagFor(Digest image) {
    return image.algorithm() + "-" + image.hex() + ".att";
  }

  /** The signatures of an existing signature manifest (its other layers are not ours to keep). */
  public static SignatureImage of(ImageManifest existing) {
    return new SignatureImage(existing.layers());
  }

  /** This image with {@code layer} added, unless the same payload and annotations are there. */
  public SignatureImage with(Descriptor layer) {
    for (Descriptor d : layers) {
      if (d.digest().equals(layer.digest()) && d.annotations().equals(layer.annotations())) {
        return this;
      }
    }
    List<Descriptor> more = new ArrayList<>(layers);
    more.add(layer);
    return new SignatureImage(more);
  }

  /** The config: an empty image config whose diff IDs are the layers' digests. */
  public JsonBytes config() {
    ObjectNode root = JSON.createObjectNode();
    root.put("architecture", "");
    root.put("os", "");
    root.putObject("config");
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    layers.forEach(l -> ids.add(l.digest().toString()));
    try {
      return JsonBytes.of(JSON.writeValueAsBytes(root));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** The manifest for the {@code .sig} tag. */
  public ImageManifest manifest() {
    return ImageManifest.of(
        MediaType.OCI_MANIFEST, Descriptor.of(MediaType.OCI_CONFIG, config()), layers);
  }

  /** The manifest that refers to {@code subject} through the OCI 1.1 referrers API. */
  public ImageManifest referrer(Descriptor subject) {
    return referrer(subject, ARTIFACT_TYPE);
  }

  /**
   * The same with {@code artifactType} ({@link #ARTIFACT_TYPE} for signatures, {@link
   * #ATTESTATION_ARTIFACT_TYPE} for signed attestations) as artifact and config media type.
   */
  public ImageManifest referrer(Descriptor subject, String artifactType) {
    return ImageManifest.of(MediaType.OCI_MANIFEST, Descriptor.of(artifactType, config()), layers)
        .withArtifactType(artifactType)
        .withSubject(Descriptor.of(subject.mediaType(), subject.digest(), subject.size()));
  }
}
