package dev.kiln.core.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A DSSE envelope (Dead Simple Signing Envelope v1), the JSON cosign stores an attestation in: the
 * payload and its type, base64, and signatures over the payload's pre-authentication encoding
 * ({@link #pae}), never over the JSON itself, so that re-serializing the envelope cannot change
 * what was signed.
 *
 * @param payloadType for in-toto statements {@code application/vnd.in-toto+json}
 * @param payload the signed bytes
 * @param signatures each with an optional key id (kiln writes an empty one, as cosign does)
 */
public record DsseEnvelope(String payloadType, byte[] payload, List<Signature> signatures) {
  public static final String MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One signature of the envelope. */
  public record Signature(String keyid, byte[] sig) {
    public Signature {
      sig = sig.clone();
    }

    @Override
    public byte[] sig() {
      return sig.clone();
    }
  }

  public DsseEnvelope {
    payload = payload.clone();
    signatures = List.copyOf(signatures);
  }

  @Override
  public byte[] payload() {
    return payload.clone();
  }

  /**
   * What a DSSE signature signs: {@code "DSSEv1" SP len(type) SP type SP len(body) SP body}, the
   * lengths in ASCII decimal bytes.
   */
  public static byte[] pae(String payloadType, byte[] body) {
    byte[] type = payloadType.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + type.length + 32);
    out.writeBytes(
        ("DSSEv1 " + type.length + " " + payloadType + " " + body.length + " ")
            .getBytes(StandardCharsets.UTF_8));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** The bytes this envelope's signatures sign. */
  public byte[] signedBytes() {
    return pae(payloadType, payload);
  }

  public byte[] bytes() {
    ObjectNode root = JSON.createObjectNode();
    root.put("payloadType", payloadType);
    root.put("payload", Base64.getEncoder().encodeToString(payload));
    ArrayNode sigs = root.putArray("signatures");
    for (Signature s : signatures) {
      sigs.addObject()
          .put("keyid", s.keyid())
          .put("sig", Base64.getEncoder().encodeToString(s.sig));
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /**
   * Reads an envelope.
   *
   * @throws IllegalArgumentException saying what is wrong, when {@code bytes} is not one
   */
  public static DsseEnvelope parse(byte[] bytes) {
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("the envelope is not JSON: " + e.getMessage());
    }
    if (root == null
        || !root.path("payloadType").isTextual()
        || !root.path("payload").isTextual()) {
      throw new IllegalArgumentException("not a DSSE envelope (no payloadType or payload)");
    }
    List<Signature> signatures = new ArrayList<>();
    try {
      byte[] payload = Base64.getDecoder().decode(root.path("payload").asText());
      for (JsonNode s : root.path("signatures")) {
        signatures.add(
            new Signature(
                s.path("keyid").asText(""), Base64.getDecoder().decode(s.path("sig").asText())));
      }
      return new DsseEnvelope(root.path("payloadType").asText(), payload, signatures);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the envelope's payload or a signature is not base64");
    }
  }
}
