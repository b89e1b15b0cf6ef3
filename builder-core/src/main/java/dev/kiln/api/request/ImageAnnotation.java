package dev.kiln.api.request;

import dev.kiln.registry.model.Platform;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One annotation and the document it goes on, as buildx spells them: {@code -o
 * annotation-index.K=V}, {@code annotation-manifest[linux/arm64].K=V}, and {@code --annotation
 * index,manifest:K=V}, {@code --annotation manifest-descriptor[linux/amd64]:K=V}. Without a type an
 * annotation goes on the image manifest(s).
 *
 * @param place which document (or descriptor of one) gets it
 * @param platform the one platform's manifest (or descriptor) it is for; empty for all of them
 * @param key the annotation's key
 * @param value its value
 */
public record ImageAnnotation(Place place, Optional<Platform> platform, String key, String value) {

  /** Where an annotation goes, named as buildx's annotation types. */
  public enum Place {
    /** The image manifest (each platform's, or the one named). */
    MANIFEST("manifest"),
    /** The image index of a multi-platform image, or of an image with attestations. */
    INDEX("index"),
    /** The descriptor pointing at a manifest: in the index, or in an OCI layout's index.json. */
    MANIFEST_DESCRIPTOR("manifest-descriptor"),
    /** The descriptor pointing at the index, in an OCI layout's index.json. */
    INDEX_DESCRIPTOR("index-descriptor");

    private final String label;

    Place(String label) {
      this.label = label;
    }

    /** buildx's name of this type. */
    public String label() {
      return label;
    }

    static Optional<Place> ofLabel(String text) {
      for (Place p : values()) {
        if (p.label.equals(text)) {
          return Optional.of(p);
        }
      }
      return Optional.empty();
    }

    /** Whether it belongs to an index (so a platform cannot narrow it). */
    public boolean ofIndex() {
      return this == INDEX || this == INDEX_DESCRIPTOR;
    }
  }

  public ImageAnnotation {
    if (key == null || key.isBlank()) {
      throw new RequestException("an annotation has an empty key", "write KEY=VALUE");
    }
  }

  /** How buildx's {@code --annotation} would name this one. */
  public String describe() {
    return place.label() + platform.map(p -> "[" + p + "]").orElse("") + ":" + key;
  }

  /**
   * {@code --annotation [TYPE[,TYPE…][\[PLATFORM\]]:]KEY=VALUE}: one annotation per type named.
   *
   * @throws RequestException for an unknown type, a bad platform, a missing {@code =}, or a
   *     platform on an index type
   */
  public static List<ImageAnnotation> parseFlag(String text) {
    int eq = text.indexOf('=');
    if (eq < 0) {
      throw new RequestException(
          "--annotation '" + text + "' has no value",
          "write KEY=VALUE, optionally prefixed with a type: index:KEY=VALUE");
    }
    String left = text.substring(0, eq);
    String value = text.substring(eq + 1);
    int colon = left.indexOf(':');
    if (colon < 0) {
      return List.of(new ImageAnnotation(Place.MANIFEST, Optional.empty(), left.trim(), value));
    }
    String types = left.substring(0, colon);
    String key = left.substring(colon + 1).trim();
    String where = "--annotation '" + text + "'";
    Optional<Platform> platform = Optional.empty();
    int bracket = types.indexOf('[');
    if (bracket >= 0) {
      platform = Optional.of(platform(types.substring(bracket), where));
      types = types.substring(0, bracket);
    }
    List<ImageAnnotation> all = new ArrayList<>();
    for (String type : types.split(",", -1)) {
      all.add(new ImageAnnotation(place(type.trim(), where), platform, key, value).checked(where));
    }
    return all;
  }

  /**
   * The annotation an {@code -o} key names ({@code annotation.K}, {@code annotation-index.K},
   * {@code annotation-manifest[linux/arm64].K}), or empty when the key is not an annotation.
   */
  static Optional<ImageAnnotation> parseOutputKey(String key, String value, String text) {
    if (!key.startsWith("annotation")) {
      return Optional.empty();
    }
    int dot = key.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    String head = key.substring(0, dot);
    String name = key.substring(dot + 1);
    String where = "--output '" + text + "'";
    Optional<Platform> platform = Optional.empty();
    int bracket = head.indexOf('[');
    if (bracket >= 0) {
      // A platform's '.' (none in os/arch, but arm/v7 has no dot either) never precedes ']'.
      int close = key.indexOf(']');
      if (close < 0) {
        throw new RequestException(where + ": '" + key + "' has no closing ]", example());
      }
      platform = Optional.of(platform(key.substring(bracket, close + 1), where));
      head = key.substring(0, bracket);
      name = key.substring(close + 1);
      if (!name.startsWith(".")) {
        throw new RequestException(
            where + ": '" + key + "' needs a '.' between ] and the annotation's key", example());
      }
      name = name.substring(1);
    }
    Place place;
    if (head.equals("annotation")) {
      place = Place.MANIFEST;
    } else if (head.startsWith("annotation-")) {
      place = place(head.substring("annotation-".length()), where);
    } else {
      return Optional.empty();
    }
    return Optional.of(new ImageAnnotation(place, platform, name, value).checked(where));
  }

  private ImageAnnotation checked(String where) {
    if (platform.isPresent() && place.ofIndex()) {
      throw new RequestException(
          where + ": an " + place.label() + " annotation cannot be for one platform",
          "drop the [" + platform.get() + "]: the index is the same for every platform");
    }
    return this;
  }

  private static Place place(String type, String where) {
    return Place.ofLabel(type.toLowerCase(Locale.ROOT))
        .orElseThrow(
            () ->
                new RequestException(
                    where + ": unknown annotation type '" + type + "'",
                    "use manifest, index, manifest-descriptor or index-descriptor"));
  }

  private static Platform platform(String bracketed, String where) {
    if (!bracketed.startsWith("[") || !bracketed.endsWith("]")) {
      throw new RequestException(
          where + ": the platform must be written in brackets, e.g. manifest[linux/amd64]",
          example());
    }
    String text = bracketed.substring(1, bracketed.length() - 1);
    try {
      return Platform.parse(PlatformShorthand.expand(text, Platform.host()));
    } catch (IllegalArgumentException e) {
      throw new RequestException(where + ": " + e.getMessage(), "e.g. manifest[linux/amd64]");
    }
  }

  private static String example() {
    return "e.g. annotation-manifest[linux/amd64].org.opencontainers.image.title=app";
  }
}
