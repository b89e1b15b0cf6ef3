package dev.kiln.core.engine;

import dev.kiln.api.place.RegistryAccess;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.image.OciLayoutImages;
import dev.kiln.core.image.ResolvedImage;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.config.ShortNameException;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves the images a build starts from ({@code FROM}, {@code COPY --from=image}): {@code
 * oci-layout://DIR[:tag|@digest]}, an image in kiln's local store (as buildah and podman prefer a
 * local image), else the registry (a short name resolved by registries.conf's aliases and
 * unqualified-search registries, Docker Hub by default). Only the manifest and config are fetched;
 * layers are read through the content store when something needs their bytes. Each reference is
 * resolved once per build.
 */
final class BaseImages {
  /** A resolved image and, for a registry image, where its layers can be mounted from. */
  record Base(ResolvedImage image, Optional<ImageReference> repository) {}

  private final ContentStore store;
  private final RegistryAccess registry;
  private final Map<String, Base> resolved = new ConcurrentHashMap<>();

  BaseImages(ContentStore store, RegistryAccess registry) {
    this.store = store;
    this.registry = registry;
  }

  /** An image the build resolved: what it was called, for which platform, and what it was. */
  record Resolved(String reference, Platform platform, ResolvedImage image) {}

  private final Map<String, Resolved> byKey = new ConcurrentHashMap<>();

  /** Every image resolved so far (bases, {@code COPY --from} and mount images), in key order. */
  java.util.List<Resolved> resolvedImages() {
    return new java.util.TreeMap<>(byKey).values().stream().toList();
  }

  Base resolve(String reference, Platform platform) throws IOException {
    String key = reference + "|" + platform;
    Base cached = resolved.get(key);
    if (cached != null) {
      return cached;
    }
    Base base = load(reference, platform);
    resolved.put(key, base);
    byKey.put(key, new Resolved(reference, platform, base.image()));
    return base;
  }

  private Base load(String reference, Platform platform) throws IOException {
    if (reference.startsWith("oci-layout://")) {
      String rest = reference.substring("oci-layout://".length());
      int at = rest.lastIndexOf('@');
      int colon = rest.lastIndexOf(':');
      int slash = rest.lastIndexOf('/');
      int split = at >= 0 ? at : (colon > slash ? colon : -1);
      Path dir = Path.of(split < 0 ? rest : rest.substring(0, split));
      String selector = split < 0 ? "" : rest.substring(split);
      return new Base(OciLayoutImages.resolve(dir, selector, platform), Optional.empty());
    }
    ImageReference ref;
    try {
      ref = ImageReference.parse(reference);
    } catch (IllegalArgumentException e) {
      throw new ImageNotFoundException(
          "invalid base image reference \"" + reference + "\": " + e.getMessage(),
          "write FROM name[:tag][@digest], e.g. FROM docker.io/library/alpine:3.20");
    }
    Optional<ResolvedImage> local = fromStore(ref, platform);
    if (local.isPresent()) {
      return new Base(local.get(), Optional.empty());
    }
    RemoteImage remote;
    try {
      // A short name may mean another registry than Docker Hub: registries.conf decides.
      remote = registry.client().resolveImage(reference, platform);
    } catch (ShortNameException e) {
      throw new ImageNotFoundException(e.getMessage(), e.hint());
    }
    ImageReference pulled = remote.reference();
    BlobSource origin = descriptor -> remote.openBlob(descriptor);
    ResolvedImage image =
        new ResolvedImage(pulled.toString(), remote.manifest(), remote.config(), origin);
    return new Base(image, Optional.of(pulled.repositoryOnly()));
  }

  /** The image tagged {@code ref} in the local store (by its full normalised name), if any. */
  private Optional<ResolvedImage> fromStore(ImageReference ref, Platform platform)
      throws IOException {
    if (ref.digest() != null) {
      return Optional.empty();
    }
    String name = StoreNames.of(ref);
    if (store.index().find(name).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(OciLayoutImages.resolve(store.paths().root(), ":" + name, platform));
  }
}
