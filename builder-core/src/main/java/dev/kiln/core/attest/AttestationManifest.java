package dev.kiln.core.attest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Attaches attestations to an image as BuildKit stores them, so that tools that read BuildKit's
 * (docker buildx imagetools, docker scout, Trivy's and Grype's BuildKit support) read kiln's: an
 * OCI index lists the image (with its platform) and, after it, an attestation manifest whose layers
 * are in-toto statements ({@code application/vnd.in-toto+json}, each annotated with its {@code
 * in-toto.io/predicate-type}), whose config is an empty {@code unknown/unknown} image config, and
 * whose index entry has platform {@code unknown/unknown} (so no runtime picks it) and the
 * annotations {@code vnd.docker.reference.type=attestation-manifest} and {@code
 * vnd.docker.reference.digest=<the image's manifest digest>}.
 */
public final class AttestationManifest {
  public static final String PREDICATE_TYPE_ANNOTATION = "in-toto.io/predicate-type";
  public static final String REFERENCE_TYPE = "vnd.docker.reference.type";
  public static final String REFERENCE_DIGEST = "vnd.docker.reference.digest";
  public static final String ATTESTATION_MANIFEST = "attestation-manifest";
  private static final ObjectMapper JSON = new ObjectMapper();

  private AttestationManifest() {}

  /**
   * An index of {@code image} and one attestation manifest holding {@code statements} (whose
   * subject must be the image).
   *
   * @param annotations the index's own annotations ({@code --annotation index:…} would go here)
   */
  public static BuiltIndex attach(
      BuiltImage image, List<InTotoStatement> statements, Map<String, String> annotations) {
    if (!MediaType.OCI_MANIFEST.equals(image.manifest().mediaType())) {
      throw new IllegalArgumentException("attestations go with OCI manifests only");
    }
    Map<Digest, byte[]> blobs = new LinkedHashMap<>();
    List<Descriptor> layers = new ArrayList<>();
    for (InTotoStatement s : statements) {
      if (!s.subject().equals(image.digest())) {
        throw new IllegalArgumentException(
            "a statement about " + s.subject() + " is not the image's");
      }
      byte[] bytes = s.bytes();
      Digest digest = Digest.sha256(bytes);
      blobs.put(digest, bytes);
      layers.add(
          Descriptor.of(InTotoStatement.MEDIA_TYPE, digest, bytes.length)
              .withAnnotations(Map.of(PREDICATE_TYPE_ANNOTATION, s.predicateType())));
    }
    ImageConfig config = ImageConfig.parse(config(layers));
    ImageManifest manifest =
        ImageManifest.of(
            MediaType.OCI_MANIFEST,
            Descriptor.of(MediaType.OCI_CONFIG, config.raw().digest(), config.raw().size()),
            layers);
    BuiltImage attestations = new BuiltImage(manifest, config, new InMemoryBlobs(blobs));
    Platform platform = image.config().platform();
    ImageIndex index =
        ImageIndex.of(
            MediaType.OCI_INDEX,
            List.of(
                image
                    .descriptor()
                    .withPlatform(
                        Platform.of(platform.os(), platform.architecture(), platform.variant())),
                attestations
                    .descriptor()
                    .withPlatform(Platform.of("unknown", "unknown", null))
                    .withAnnotations(
                        Map.of(
                            REFERENCE_TYPE,
                            ATTESTATION_MANIFEST,
                            REFERENCE_DIGEST,
                            image.digest().toString()))));
    if (!annotations.isEmpty()) {
      index =
          new ImageIndex(
              2, MediaType.OCI_INDEX, null, index.manifests(), null, annotations, null, null);
    }
    return new BuiltIndex(index, List.of(image, attestations));
  }

  private static byte[] config(List<Descriptor> layers) {
    ObjectNode root = JSON.createObjectNode();
    root.put("architecture", "unknown");
    root.put("os", "unknown");
    root.putObject("config");
    ObjectNode rootfs = root.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode ids = rootfs.putArray("diff_ids");
    layers.forEach(l -> ids.add(l.digest().toString()));
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** The statements, which are small, held in memory. */
  private record InMemoryBlobs(Map<Digest, byte[]> blobs) implements BlobSource {
    @Override
    public InputStream open(Descriptor descriptor) throws IOException {
      byte[] bytes = blobs.get(descriptor.digest());
      if (bytes == null) {
        throw new IOException("no attestation blob " + descriptor.digest());
      }
      return new ByteArrayInputStream(bytes);
    }
  }
}
