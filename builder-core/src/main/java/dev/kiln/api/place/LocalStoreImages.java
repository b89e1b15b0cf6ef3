package dev.kiln.api.place;

import dev.kiln.api.request.RequestException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The images kiln's local store names: listed with what their manifests and configs say ({@code
 * kiln images}), and their names removed ({@code kiln rmi}). Removing a name deletes no blob: the
 * build cache often still uses an image's layers, and {@code kiln cache prune} deletes what nothing
 * uses any more.
 */
final class LocalStoreImages {
  private static final Pattern DIGEST_PREFIX = Pattern.compile("(sha256:)?[0-9a-f]{4,64}");

  private final ContentStore store;
  private final LayoutReader layout;

  LocalStoreImages(ContentStore store) {
    this.store = store;
    this.layout =
        new LayoutReader(store.paths().root(), "kiln's local store " + store.paths().root());
  }

  List<StoredImage> list() throws IOException {
    List<StoredImage> images = new ArrayList<>();
    for (IndexEntry entry : store.index().entries()) {
      images.add(describe(entry));
    }
    return images;
  }

  private StoredImage describe(IndexEntry entry) {
    Optional<String> name = entry.givenName();
    Descriptor top = Descriptor.of(entry.mediaType(), entry.digest(), entry.size());
    Map<Digest, Long> blobs = new LinkedHashMap<>();
    List<Platform> platforms = new ArrayList<>();
    Instant newest = null;
    try {
      LocatedImage image =
          new LocatedImage(
              name.orElse(entry.digest().toString()),
              layout,
              Manifests.parse(layout.readManifest(top), top.mediaType(), top.digest().toString()));
      blobs.put(top.digest(), top.size());
      List<LocatedImage> singles = new ArrayList<>();
      if (image.isIndex()) {
        for (Descriptor child : image.index().manifests()) {
          blobs.put(child.digest(), child.size());
          singles.add(image.child(child));
        }
      } else {
        singles.add(image);
      }
      for (LocatedImage single : singles) {
        if (single.isIndex()) {
          continue; // an index of indexes: counted by its own descriptor only
        }
        ImageManifest m = single.imageManifest();
        blobs.put(m.config().digest(), m.config().size());
        m.layers().forEach(l -> blobs.put(l.digest(), l.size()));
        ImageConfig config = single.config();
        platforms.add(config.platform());
        Instant created = created(config);
        if (created != null && (newest == null || created.isAfter(newest))) {
          newest = created;
        }
      }
    } catch (IOException | RuntimeException e) {
      return new StoredImage(
          name,
          entry.digest(),
          entry.mediaType(),
          blobs.values().stream().mapToLong(Long::longValue).sum(),
          Optional.ofNullable(newest),
          platforms,
          Optional.of(e.getMessage() == null ? e.toString() : e.getMessage()));
    }
    return new StoredImage(
        name,
        entry.digest(),
        entry.mediaType(),
        blobs.values().stream().mapToLong(Long::longValue).sum(),
        Optional.ofNullable(newest),
        platforms,
        Optional.empty());
  }

  private static Instant created(ImageConfig config) {
    if (config.created() == null || config.created().isEmpty()) {
      return null;
    }
    try {
      return OffsetDateTime.parse(config.created()).toInstant();
    } catch (DateTimeParseException e) {
      return null; // a config's own business; the listing shows no time
    }
  }

  /**
   * Removes {@code text} from the store's names: a name ({@code app:1} is {@code
   * docker.io/library/app:1}), or a digest or a prefix of its hex (at least 4 digits) which removes
   * every name of that image; an image with several names is removed by digest only with {@code
   * force}.
   */
  List<UntaggedImage> untag(String text, boolean force) throws IOException {
    List<IndexEntry> entries = store.index().entries();
    Optional<String> name = storeName(text);
    if (name.isPresent()
        && entries.stream().anyMatch(e -> e.refName().equals(Optional.of(name.get())))) {
      store.index().untag(name.get());
      Digest digest =
          entries.stream()
              .filter(e -> e.refName().equals(Optional.of(name.get())))
              .findFirst()
              .orElseThrow()
              .digest();
      return List.of(new UntaggedImage(name.get(), digest));
    }
    if (!DIGEST_PREFIX.matcher(text).matches()) {
      throw notFound(text);
    }
    String hex = text.startsWith("sha256:") ? text.substring("sha256:".length()) : text;
    Set<Digest> matching = new LinkedHashSet<>();
    for (IndexEntry e : entries) {
      if (e.digest().algorithm().equals("sha256") && e.digest().hex().startsWith(hex)) {
        matching.add(e.digest());
      }
    }
    if (matching.isEmpty()) {
      throw notFound(text);
    }
    if (matching.size() > 1) {
      throw new RequestException(
          text + " is the start of several images' digests: " + matching,
          "give more of the digest");
    }
    Digest digest = matching.iterator().next();
    List<String> names =
        entries.stream()
            .filter(e -> e.digest().equals(digest))
            .map(e -> e.givenName().orElse(null))
            .filter(n -> n != null)
            .distinct()
            .toList();
    if (names.size() > 1 && !force) {
      throw new RequestException(
          digest + " is named " + String.join(", ", names) + " in kiln's local store",
          "remove the names one by one (kiln rmi NAME), or all of them with kiln rmi --force "
              + text);
    }
    List<UntaggedImage> removed = new ArrayList<>();
    store
        .index()
        .update(
            all -> {
              List<IndexEntry> kept = new ArrayList<>();
              for (IndexEntry e : all) {
                if (e.digest().equals(digest)) {
                  removed.add(new UntaggedImage(e.refName().orElse(digest.toString()), digest));
                } else {
                  kept.add(e);
                }
              }
              return kept;
            });
    return removed;
  }

  /** The store's name for {@code text} if it is an image reference. */
  private static Optional<String> storeName(String text) {
    try {
      return Optional.of(Place.Store.nameOf(ImageReference.parse(text)));
    } catch (InvalidReferenceException e) {
      return Optional.empty();
    }
  }

  private ImageNotFoundException notFound(String text) {
    return new ImageNotFoundException(
        "no image " + text + " in kiln's local store (" + store.paths().root() + ")",
        "kiln images lists the names and digests it holds");
  }
}
