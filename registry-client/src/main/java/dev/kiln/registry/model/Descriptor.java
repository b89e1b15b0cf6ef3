package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pointer to content: its media type, digest and size, plus the optional fields the OCI image
 * spec allows (annotations, urls for foreign layers, the platform in an index, the artifact type of
 * an artifact manifest, embedded {@code data}). Unknown fields are kept in {@link #extra()}.
 *
 * @param data base64 of the content embedded in the descriptor (OCI 1.1), or null
 */
public record Descriptor(
    String mediaType,
    Digest digest,
    long size,
    List<String> urls,
    Map<String, String> annotations,
    Platform platform,
    String artifactType,
    String data,
    Map<String, JsonNode> extra) {

  public Descriptor {
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(digest, "digest");
    if (size < 0) {
      throw new IllegalArgumentException("descriptor size must not be negative: " + size);
    }
    urls = urls == null || urls.isEmpty() ? List.of() : List.copyOf(urls);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    extra = ExtraFields.freeze(extra);
  }

  /** A plain descriptor: media type, digest and size only. */
  public static Descriptor of(String mediaType, Digest digest, long size) {
    return new Descriptor(mediaType, digest, size, null, null, null, null, null, null);
  }

  /** The descriptor of {@code bytes} under {@code mediaType}. */
  public static Descriptor of(String mediaType, JsonBytes bytes) {
    return of(mediaType, bytes.digest(), bytes.size());
  }

  public Descriptor withPlatform(Platform p) {
    return new Descriptor(mediaType, digest, size, urls, annotations, p, artifactType, data, extra);
  }

  public Descriptor withAnnotations(Map<String, String> a) {
    return new Descriptor(mediaType, digest, size, urls, a, platform, artifactType, data, extra);
  }

  public Descriptor withMediaType(String m) {
    return new Descriptor(m, digest, size, urls, annotations, platform, artifactType, data, extra);
  }

  static Descriptor read(JsonObjectReader r) {
    String mediaType = r.requiredText("mediaType");
    String digestText = r.requiredText("digest");
    Digest digest;
    try {
      digest = Digest.parse(digestText);
    } catch (IllegalArgumentException e) {
      throw new MalformedDocumentException(r.path() + ".digest: " + e.getMessage(), e);
    }
    Long size = r.longValue("size");
    if (size == null) {
      throw new MalformedDocumentException(r.path() + ".size is required");
    }
    if (size < 0) {
      throw new MalformedDocumentException(r.path() + ".size must not be negative");
    }
    List<String> urls = r.stringList("urls");
    Map<String, String> annotations = r.stringMap("annotations");
    JsonObjectReader p = r.object("platform");
    Platform platform = p == null ? null : Platform.read(p);
    String artifactType = r.text("artifactType");
    String data = r.text("data");
    return new Descriptor(
        mediaType, digest, size, urls, annotations, platform, artifactType, data, r.remaining());
  }

  JsonObjectWriter write() {
    return new JsonObjectWriter()
        .text("mediaType", mediaType)
        .text("digest", digest.toString())
        .number("size", size)
        .stringList("urls", urls.isEmpty() ? null : urls)
        .stringMap("annotations", annotations.isEmpty() ? null : annotations)
        .text("data", data)
        .object("platform", platform == null ? null : platform.write())
        .text("artifactType", artifactType)
        .extra(extra);
  }

  static List<Descriptor> readList(List<JsonObjectReader> items) {
    return items == null ? List.of() : items.stream().map(Descriptor::read).toList();
  }

  static List<JsonObjectWriter> writeList(List<Descriptor> items) {
    return items.stream().map(Descriptor::write).toList();
  }
}
