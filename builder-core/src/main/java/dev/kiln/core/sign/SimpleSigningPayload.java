package dev.kiln.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a cosign signature signs: the "simple signing" JSON that names the image's manifest digest
 * and the repository it was signed for.
 *
 * <pre>{@code
 * {"critical":{"identity":{"docker-reference":"registry.example/app"},
 *              "image":{"docker-manifest-digest":"sha256:…"},
 *              "type":"cosign container image signature"},
 *  "optional":null}
 * }</pre>
 *
 * containers/image insists on exactly {@code critical} and {@code optional} at the top and exactly
 * these three fields in {@code critical}, so {@link #bytes()} writes nothing else; {@code optional}
 * is null unless annotations are given, as with cosign.
 *
 * @param dockerReference the repository (cosign) or reference (skopeo) the signature is for
 * @param optional cosign's {@code -a key=value} annotations; empty for none
 */
public record SimpleSigningPayload(
    String dockerReference, Digest manifestDigest, Map<String, String> optional) {
  public static final String TYPE = "cosign container image signature";
  private static final ObjectMapper JSON = new ObjectMapper();

  public SimpleSigningPayload {
    optional = Map.copyOf(optional);
  }

  /** The payload's exact bytes, the ones signed. */
  public byte[] bytes() {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode critical = root.putObject("critical");
    critical.putObject("identity").put("docker-reference", dockerReference);
    critical.putObject("image").put("docker-manifest-digest", manifestDigest.toString());
    critical.put("type", TYPE);
    if (optional.isEmpty()) {
      root.putNull("optional");
    } else {
      ObjectNode o = root.putObject("optional");
      new TreeMap<>(optional).forEach(o::put);
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * Reads a payload (after its signature verified: before that, its claims mean nothing).
   *
   * @throws IllegalArgumentException when it is not a cosign container image signature
   */
  public static SimpleSigningPayload parse(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("the signed payload is not JSON");
    }
    JsonNode critical = root.path("critical");
    String type = critical.path("type").asText();
    if (!TYPE.equals(type)) {
      throw new IllegalArgumentException(
          "the signed payload's type is '" + type + "', not '" + TYPE + "'");
    }
    String reference = critical.path("identity").path("docker-reference").asText("");
    String digest = critical.path("image").path("docker-manifest-digest").asText("");
    Digest parsed;
    try {
      parsed = Digest.parse(digest);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the signed payload's digest '" + digest + "' is bad");
    }
    Map<String, String> optional = new TreeMap<>();
    root.path("optional")
        .fields()
        .forEachRemaining(e -> optional.put(e.getKey(), e.getValue().asText()));
    return new SimpleSigningPayload(reference, parsed, optional);
  }
}
