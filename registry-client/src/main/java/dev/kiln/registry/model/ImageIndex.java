package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An OCI image index or Docker manifest list: descriptors of manifests, usually one per platform.
 *
 * <p>Raw bytes and unknown fields are kept exactly as in {@link ImageManifest}.
 *
 * @param raw the bytes these fields were parsed from; pass null to serialise the fields instead
 */
public record ImageIndex(
    int schemaVersion,
    String mediaType,
    String artifactType,
    List<Descriptor> manifests,
    Descriptor subject,
    Map<String, String> annotations,
    Map<String, JsonNode> extra,
    JsonBytes raw)
    implements Manifest {

  public ImageIndex {
    manifests = manifests == null ? List.of() : List.copyOf(manifests);
    annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    extra = ExtraFields.freeze(extra);
    mediaType = mediaType == null ? MediaType.OCI_INDEX : mediaType;
    if (raw == null) {
      raw =
          JsonBytes.adopt(
              new JsonObjectWriter()
                  .number("schemaVersion", schemaVersion)
                  .text("mediaType", mediaType)
                  .text("artifactType", artifactType)
                  .objectList("manifests", Descriptor.writeList(manifests))
                  .object("subject", subject == null ? null : subject.write())
                  .stringMap("annotations", annotations.isEmpty() ? null : annotations)
                  .extra(extra)
                  .toBytes());
    }
  }

  /** A new index of {@code mediaType} (OCI index or Docker manifest list). */
  public static ImageIndex of(String mediaType, List<Descriptor> manifests) {
    if (!MediaType.isIndex(mediaType)) {
      throw new IllegalArgumentException("not an index media type: " + mediaType);
    }
    return new ImageIndex(2, mediaType, null, manifests, null, null, null, null);
  }

  /**
   * Parses index bytes, keeping them as {@link #raw()}.
   *
   * @throws MalformedDocumentException if the bytes are not one kiln can read, or are more than
   *     {@link #MAX_BYTES}
   * @param contentType the media type it was served with, used when the document has no {@code
   *     mediaType} field; may be null
   */
  public static ImageIndex parse(byte[] bytes, String contentType) {
    JsonObjectReader r = JsonObjectReader.parse(bytes, "image index", MAX_BYTES);
    Integer schemaVersion = r.intValue("schemaVersion");
    if (schemaVersion == null || schemaVersion != 2) {
      throw new MalformedDocumentException(
          "image index: schemaVersion must be 2, found " + schemaVersion);
    }
    String mediaType = r.text("mediaType");
    if (mediaType == null) {
      mediaType = MediaType.fromContentType(contentType);
    }
    String artifactType = r.text("artifactType");
    List<Descriptor> manifests = Descriptor.readList(r.objectList("manifests"));
    JsonObjectReader s = r.object("subject");
    Descriptor subject = s == null ? null : Descriptor.read(s);
    Map<String, String> annotations = r.stringMap("annotations");
    return new ImageIndex(
        2,
        mediaType,
        artifactType,
        manifests,
        subject,
        annotations,
        r.remaining(),
        JsonBytes.of(bytes));
  }

  /**
   * The manifest for {@code platform}: the first entry whose platform matches exactly after
   * normalisation ({@link Platform#matches}). Entries without a platform, and attestation manifests
   * ({@code unknown/unknown}), never match.
   */
  public Optional<Descriptor> manifestFor(Platform platform) {
    return manifests.stream()
        .filter(d -> d.platform() != null && platform.matches(d.platform()))
        .findFirst();
  }

  /** The platforms this index offers, for "no match" messages. */
  public List<Platform> platforms() {
    return manifests.stream().map(Descriptor::platform).filter(p -> p != null).toList();
  }

  /** This index with other manifests; re-serialised. */
  public ImageIndex withManifests(List<Descriptor> newManifests) {
    return new ImageIndex(
        schemaVersion, mediaType, artifactType, newManifests, subject, annotations, extra, null);
  }

  /** This index with other annotations; re-serialised. */
  public ImageIndex withAnnotations(Map<String, String> newAnnotations) {
    return new ImageIndex(
        schemaVersion, mediaType, artifactType, manifests, subject, newAnnotations, extra, null);
  }
}
