package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A document a registry serves under {@code /v2/<name>/manifests/<reference>}: either an {@link
 * ImageManifest} (one image) or an {@link ImageIndex} (a list of manifests, usually one per
 * platform).
 *
 * <p>Both keep the {@link #raw()} bytes they were read from or serialised to; {@link #digest()} is
 * always the digest of those bytes, so pushing a manifest kiln read from elsewhere sends exactly
 * the bytes whose digest the caller already knows.
 */
public sealed interface Manifest permits ImageManifest, ImageIndex {
  /**
   * The largest manifest or index kiln reads, 4 MiB: what registries accept (Docker's registry
   * refuses larger ones, and the distribution spec asks registries to take at least this much). A
   * larger document is refused before it is parsed, so a hostile one (ten million layers) never
   * becomes a tree of gigabytes.
   */
  int MAX_BYTES = 4 << 20;

  /** The media type: the document's own field, or the Content-Type it was served with. */
  String mediaType();

  /** The exact bytes of this document. */
  JsonBytes raw();

  /** The manifest this one refers to (OCI 1.1 referrers), or null. */
  Descriptor subject();

  Map<String, String> annotations();

  /** The digest of {@link #raw()}. */
  default Digest digest() {
    return raw().digest();
  }

  /** A descriptor pointing at this document. */
  default Descriptor descriptor() {
    return Descriptor.of(mediaType(), raw());
  }

  /**
   * Parses a manifest or index. The kind is taken from the document's {@code mediaType} field, else
   * from {@code contentType} (the HTTP header or descriptor it came with), else from its shape
   * ({@code manifests} means an index, {@code config} an image manifest).
   *
   * @throws MalformedDocumentException if the bytes are not a manifest kiln can read, or are more
   *     than {@link #MAX_BYTES}; schema 1 manifests are refused with a message that says so
   */
  static Manifest parse(byte[] bytes, String contentType) {
    JsonObjectReader peek = JsonObjectReader.parse(bytes, "manifest", MAX_BYTES);
    Map<String, JsonNode> fields = peek.remaining();
    JsonNode declared = fields.get("mediaType");
    String mediaType =
        declared != null && declared.isTextual()
            ? declared.textValue()
            : MediaType.fromContentType(contentType);
    JsonNode schemaVersion = fields.get("schemaVersion");
    if (MediaType.isSchema1(mediaType) || (schemaVersion != null && schemaVersion.asInt() == 1)) {
      throw new MalformedDocumentException(
          "this is a Docker schema 1 manifest, which kiln does not support (deprecated since"
              + " 2017); push the image again with a current client to convert it");
    }
    if (MediaType.isIndex(mediaType)) {
      return ImageIndex.parse(bytes, mediaType);
    }
    if (MediaType.isManifest(mediaType)) {
      return ImageManifest.parse(bytes, mediaType);
    }
    if (fields.containsKey("manifests")) {
      return ImageIndex.parse(bytes, mediaType);
    }
    if (fields.containsKey("config")) {
      return ImageManifest.parse(bytes, mediaType);
    }
    throw new MalformedDocumentException(
        "unsupported manifest media type '"
            + MalformedDocumentException.excerpt(mediaType)
            + "': expected one of "
            + MediaType.MANIFEST_ACCEPT);
  }
}
