package dev.kiln.cache.store;

import dev.kiln.registry.model.Digest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One descriptor in the store's {@code index.json}.
 *
 * <p>Fields kiln does not model (platform, artifactType, urls, data, ...) are kept in {@code
 * otherFields} as plain JSON values (maps, lists, strings, numbers, booleans) and written back
 * unchanged, so rewriting the index never drops what another tool put there.
 *
 * @param mediaType the media type of the referenced manifest or index
 * @param digest its digest
 * @param size its size in bytes
 * @param annotations descriptor annotations, e.g. {@value #REF_NAME} for the tag
 * @param otherFields every other descriptor field, in the order they were read
 */
public record IndexEntry(
    String mediaType,
    Digest digest,
    long size,
    Map<String, String> annotations,
    Map<String, Object> otherFields) {
  /** The annotation an OCI layout uses to name an image (its tag). */
  public static final String REF_NAME = "org.opencontainers.image.ref.name";

  /**
   * kiln's annotation on an image {@code kiln pull} stored: {@code REFERENCE@DIGEST}, the registry
   * tag it came from and what the tag pointed at then. A build checks such a name against its
   * registry again; an image built or loaded under a name has none and is used as it is.
   */
  public static final String PULLED_FROM = "dev.kiln.image.pulled-from";

  public IndexEntry {
    if (mediaType == null || mediaType.isBlank()) {
      throw new IllegalArgumentException("an index entry needs a media type");
    }
    if (digest == null) {
      throw new IllegalArgumentException("an index entry needs a digest");
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size + " for " + digest);
    }
    annotations = Collections.unmodifiableMap(new TreeMap<>(annotations));
    otherFields = Collections.unmodifiableMap(new LinkedHashMap<>(otherFields));
  }

  /** An entry with no annotations or other fields. */
  public static IndexEntry of(String mediaType, Digest digest, long size) {
    return new IndexEntry(mediaType, digest, size, Map.of(), Map.of());
  }

  /** The {@value #REF_NAME} annotation, if any. */
  public Optional<String> refName() {
    return Optional.ofNullable(annotations.get(REF_NAME));
  }

  /**
   * The name a person gave the image: its {@value #REF_NAME}, unless that is only the image's own
   * digest, which is how kiln's store keeps an image built or pulled without a name.
   */
  public Optional<String> givenName() {
    return refName().filter(name -> !name.equals(digest.toString()));
  }

  /** The {@value #PULLED_FROM} annotation, if any. */
  public Optional<String> pulledFrom() {
    return Optional.ofNullable(annotations.get(PULLED_FROM));
  }

  /** This entry with annotation {@code key} set to {@code value}. */
  public IndexEntry withAnnotation(String key, String value) {
    Map<String, String> changed = new TreeMap<>(annotations);
    changed.put(key, value);
    return new IndexEntry(mediaType, digest, size, changed, otherFields);
  }

  /** This entry named {@code refName}. */
  public IndexEntry withRefName(String refName) {
    Map<String, String> changed = new TreeMap<>(annotations);
    changed.put(REF_NAME, refName);
    return new IndexEntry(mediaType, digest, size, changed, otherFields);
  }
}
