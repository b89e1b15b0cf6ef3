package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An image manifest (OCI or Docker schema 2): the config descriptor, the layer descriptors in
 * order, and the optional OCI 1.1 {@code subject}, {@code artifactType} and annotations.
 *
 * <p>{@link #raw()} holds the exact bytes. {@link #parse} keeps the bytes it was given; every other
 * way of making one (the factory methods, {@code with…} methods, or the constructor with a null
 * {@code raw}) serialises the fields deterministically, so the same manifest always gets the same
 * digest. Unknown fields survive in {@link #extra()} either way.
 *
 * @param raw the bytes these fields were parsed from; pass null to serialise the fields instead
 */
public record ImageManifest(
    int schemaVersion,
    String mediaType,
    String artifactType,
    Descriptor config,
    List<Descriptor> layers,
    Descriptor subject,
    Map<String, String> annotations,
    Map<String, JsonNode> extra,
    JsonBytes raw)
    implements Manifest {

  public ImageManifest {
    Objects.requireNonNull(config, "config");
    layers = layers == null ? List.of() : List.copyOf(layers);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    extra = ExtraFields.freeze(extra);
    mediaType = mediaType == null ? MediaType.OCI_MANIFEST : mediaType;
    if (raw == null) {
      raw =
          JsonBytes.adopt(
              write(
                  schemaVersion,
                  mediaType,
                  artifactType,
                  config,
                  layers,
                  subject,
                  annotations,
                  extra));
    }
  }

  /** A new manifest of {@code mediaType} (OCI or Docker) with the given config and layers. */
  public static ImageManifest of(String mediaType, Descriptor config, List<Descriptor> layers) {
    if (!MediaType.isManifest(mediaType)) {
      throw new IllegalArgumentException("not an image manifest media type: " + mediaType);
    }
    return new ImageManifest(2, mediaType, null, config, layers, null, null, null, null);
  }

  /**
   * Parses manifest bytes, keeping them as {@link #raw()}.
   *
   * @throws MalformedDocumentException if the bytes are not one kiln can read, or are more than
   *     {@link #MAX_BYTES}
   * @param contentType the media type it was served with, used when the document has no {@code
   *     mediaType} field (optional in OCI); may be null
   */
  public static ImageManifest parse(byte[] bytes, String contentType) {
    JsonObjectReader r = JsonObjectReader.parse(bytes, "image manifest", MAX_BYTES);
    Integer schemaVersion = r.intValue("schemaVersion");
    if (schemaVersion == null || schemaVersion != 2) {
      throw new MalformedDocumentException(
          "image manifest: schemaVersion must be 2, found " + schemaVersion);
    }
    String mediaType = r.text("mediaType");
    if (mediaType == null) {
      mediaType = MediaType.fromContentType(contentType);
    }
    String artifactType = r.text("artifactType");
    JsonObjectReader config = r.object("config");
    if (config == null) {
      throw new MalformedDocumentException("image manifest: config is required");
    }
    Descriptor configDescriptor = Descriptor.read(config);
    List<Descriptor> layers = Descriptor.readList(r.objectList("layers"));
    JsonObjectReader s = r.object("subject");
    Descriptor subject = s == null ? null : Descriptor.read(s);
    Map<String, String> annotations = r.stringMap("annotations");
    return new ImageManifest(
        2,
        mediaType,
        artifactType,
        configDescriptor,
        layers,
        subject,
        annotations,
        r.remaining(),
        JsonBytes.of(bytes));
  }

  /** This manifest with other layers; re-serialised. */
  public ImageManifest withLayers(List<Descriptor> newLayers) {
    return new ImageManifest(
        schemaVersion,
        mediaType,
        artifactType,
        config,
        newLayers,
        subject,
        annotations,
        extra,
        null);
  }

  /** This manifest with another config descriptor; re-serialised. */
  public ImageManifest withConfig(Descriptor newConfig) {
    return new ImageManifest(
        schemaVersion,
        mediaType,
        artifactType,
        newConfig,
        layers,
        subject,
        annotations,
        extra,
        null);
  }

  /** This manifest with other annotations; re-serialised. */
  public ImageManifest withAnnotations(Map<String, String> newAnnotations) {
    return new ImageManifest(
        schemaVersion,
        mediaType,
        artifactType,
        config,
        layers,
        subject,
        newAnnotations,
        extra,
        null);
  }

  /** This manifest pointing at {@code newSubject} (OCI 1.1 referrers); re-serialised. */
  public ImageManifest withSubject(Descriptor newSubject) {
    return new ImageManifest(
        schemaVersion,
        mediaType,
        artifactType,
        config,
        layers,
        newSubject,
        annotations,
        extra,
        null);
  }

  /** This manifest with an artifact type (OCI 1.1 artifacts); re-serialised. */
  public ImageManifest withArtifactType(String newArtifactType) {
    return new ImageManifest(
        schemaVersion,
        mediaType,
        newArtifactType,
        config,
        layers,
        subject,
        annotations,
        extra,
        null);
  }

  /**
   * Every blob this manifest needs in the registry before it can be pushed: config, then layers.
   */
  public List<Descriptor> blobs() {
    return java.util.stream.Stream.concat(java.util.stream.Stream.of(config), layers.stream())
        .toList();
  }

  private static byte[] write(
      int schemaVersion,
      String mediaType,
      String artifactType,
      Descriptor config,
      List<Descriptor> layers,
      Descriptor subject,
      Map<String, String> annotations,
      Map<String, JsonNode> extra) {
    return new JsonObjectWriter()
        .number("schemaVersion", schemaVersion)
        .text("mediaType", mediaType)
        .text("artifactType", artifactType)
        .object("config", config.write())
        .objectList("layers", Descriptor.writeList(layers))
        .object("subject", subject == null ? null : subject.write())
        .stringMap("annotations", annotations.isEmpty() ? null : annotations)
        .extra(extra)
        .toBytes();
  }
}
