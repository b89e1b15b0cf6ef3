package dev.kiln.core.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.HumanReadable;
import dev.kiln.api.place.RegistryAccess;
import dev.kiln.api.request.CacheSpec;
import dev.kiln.cache.buildcache.BuildCache;
import dev.kiln.cache.buildcache.CacheEntry;
import dev.kiln.cache.buildcache.CacheKey;
import dev.kiln.cache.buildcache.CacheResult;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.cache.remote.CacheBundle;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.OciLayoutImages;
import dev.kiln.core.image.ResolvedImage;
import dev.kiln.core.image.StoreBlobSource;
import dev.kiln.core.output.OciLayoutWriter;
import dev.kiln.core.output.RegistryOutput;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code --cache-from} and {@code --cache-to}: build-cache entries shared through a registry or a
 * directory as one plain OCI image ({@link CacheBundle}). Imported entries are consulted after the
 * local cache; a hit fetches a layer only when a later step or an output reads it. Every imported
 * entry the build used is kept in the local cache, as BuildKit keeps what it loads from an imported
 * cache, so the next build on this store needs no {@code --cache-from} to reuse it: at once when
 * its layers are in the store, else after the build's outputs are written, fetching the layers no
 * step needed ({@link #keepImported}). After a successful build the steps it ran or reused are
 * exported: {@code mode=min} only those of the stages whose layers are in the image, {@code
 * mode=max} every stage's.
 */
final class RemoteCaches {
  /** A bundle and where its blobs come from. */
  private record Imported(String source, CacheBundle bundle, BlobSource blobs) {}

  /** A step seen by this build, for export. */
  private record Seen(int stage, CacheKey key, CacheResult result) {}

  /** An imported entry the build used before its layers were all in the store. */
  private record Used(String source, CacheKey key, CacheResult result, BlobSource blobs) {}

  private final List<CacheSpec> from;
  private final List<CacheSpec> to;
  private final ContentStore store;
  private final RegistryAccess registry;
  private final BuildListener listener;
  private final Clock clock;
  private final List<Imported> imported = new ArrayList<>();
  private final Map<CacheKey, Seen> seen = new ConcurrentHashMap<>();
  private final Map<String, Digest> selections = new ConcurrentHashMap<>();
  private final Map<CacheKey, Used> used = new ConcurrentHashMap<>();

  RemoteCaches(
      List<CacheSpec> from,
      List<CacheSpec> to,
      ContentStore store,
      RegistryAccess registry,
      BuildListener listener,
      Clock clock) {
    this.clock = clock;
    this.from = List.copyOf(from);
    this.to = List.copyOf(to);
    this.store = store;
    this.registry = registry;
    this.listener = listener;
  }

  /**
   * Reads every {@code --cache-from}. A cache that does not exist yet (the first CI run) or cannot
   * be read is a warning, as in buildx, never a failed build.
   */
  void importAll(Platform platform) {
    for (CacheSpec spec : from) {
      String source = describe(spec);
      try {
        if (spec.type() == CacheSpec.Type.REGISTRY) {
          ImageReference ref = ImageReference.parse(spec.ref().orElseThrow());
          RemoteImage image = registry.client().resolveImage(ref, platform);
          CacheBundle bundle = CacheBundle.fromConfig(image.config().raw().toByteArray());
          imported.add(new Imported(source, bundle, d -> image.openBlob(d)));
        } else {
          var dir = spec.dir().orElseThrow();
          if (!Files.exists(dir.resolve("index.json"))) {
            throw new java.nio.file.NoSuchFileException(
                dir + "/index.json (no cache exported there yet)");
          }
          ResolvedImage image = OciLayoutImages.resolve(dir, ":latest", platform);
          CacheBundle bundle = CacheBundle.fromConfig(image.config().raw().toByteArray());
          imported.add(new Imported(source, bundle, image.blobs()));
        }
      } catch (IOException | RuntimeException e) {
        listener.on(
            new BuildEvent.Warning(
                clock.instant(),
                "cannot use cache " + source + ": " + e.getMessage(),
                Optional.empty()));
      }
    }
  }

  /**
   * An imported entry for {@code key}; empty if no imported cache has it. Its layers are not
   * fetched here: a stage's blobs are read through {@link #over}, so a layer crosses the network
   * only if a later step or an output reads it. The entry is recorded in the local cache once its
   * layers are in the store (at once when they already are).
   */
  Optional<CacheResult> lookup(CacheKey key, BuildCache local) throws IOException {
    for (Imported source : imported) {
      Optional<CacheEntry> entry = source.bundle().find(key);
      if (entry.isEmpty()) {
        continue;
      }
      CacheResult result = entry.get().result();
      boolean local0 =
          result.layers().stream().allMatch(l -> store.blobReader().contains(l.blob().digest()));
      if (local0) {
        local.store(key, result);
      } else {
        used.put(key, new Used(source.source(), key, result, source.blobs()));
      }
      return Optional.of(result);
    }
    return Optional.empty();
  }

  /**
   * Blobs read through {@code origin}, except those an imported cache holds, which come from there:
   * wrap a stage's origin with this so reused layers can be fetched when needed.
   */
  BlobSource over(BlobSource origin) {
    if (imported.isEmpty()) {
      return origin;
    }
    return new BlobSource() {
      @Override
      public InputStream open(dev.kiln.registry.model.Descriptor descriptor) throws IOException {
        for (Imported source : imported) {
          for (CachedLayer layer : source.bundle().layers()) {
            if (layer.blob().digest().equals(descriptor.digest())) {
              return source.blobs().open(descriptor);
            }
          }
        }
        return origin.open(descriptor);
      }

      @Override
      public InputStream openForVerifyingWriter(dev.kiln.registry.model.Descriptor descriptor)
          throws IOException {
        for (Imported source : imported) {
          for (CachedLayer layer : source.bundle().layers()) {
            if (layer.blob().digest().equals(descriptor.digest())) {
              return source.blobs().open(descriptor);
            }
          }
        }
        return origin.openForVerifyingWriter(descriptor);
      }

      @Override
      public IOException wrongBytes(
          dev.kiln.registry.model.Descriptor descriptor,
          dev.kiln.cache.store.BlobVerificationException check) {
        for (Imported source : imported) {
          for (CachedLayer layer : source.bundle().layers()) {
            if (layer.blob().digest().equals(descriptor.digest())) {
              return check;
            }
          }
        }
        return origin.wrongBytes(descriptor, check);
      }

      @Override
      public Optional<java.nio.file.Path> localFile(dev.kiln.registry.model.Descriptor descriptor) {
        return origin.localFile(descriptor);
      }
    };
  }

  /**
   * Records in {@code local} every imported entry the build used that is not there yet, fetching
   * the layers the build did not read (a stage's steps reused only for what follows them, a layer a
   * registry push mounted). Without this a build on the same store without {@code --cache-from} ran
   * those steps again. A layer that cannot be fetched leaves its entry out, with a warning: the
   * build itself has succeeded.
   */
  void keepImported(BuildCache local) {
    if (used.isEmpty()) {
      return;
    }
    int kept = 0;
    int fetched = 0;
    long bytes = 0;
    for (Used entry : used.values()) {
      try {
        for (CachedLayer layer : entry.result().layers()) {
          if (!store.blobReader().contains(layer.blob().digest())) {
            try (InputStream in = entry.blobs().open(layer.blob())) {
              store.blobWriter().write(in, layer.blob().digest(), layer.blob().size());
            }
            fetched++;
            bytes += layer.blob().size();
          }
        }
        local.store(entry.key(), entry.result());
        kept++;
      } catch (IOException | RuntimeException e) {
        listener.on(
            new BuildEvent.Warning(
                clock.instant(),
                "cannot keep a step imported from cache "
                    + entry.source()
                    + " in the local cache: "
                    + e.getMessage(),
                Optional.empty()));
      }
    }
    used.clear();
    listener.on(
        new BuildEvent.Note(
            clock.instant(),
            "kept "
                + kept
                + " imported cache entries in the local cache"
                + (fetched == 0
                    ? ""
                    : " (fetched "
                        + fetched
                        + (fetched == 1 ? " layer, " : " layers, ")
                        + HumanReadable.bytes(bytes)
                        + ")")));
  }

  /** A {@code COPY --from} selection checksum an imported cache remembered. */
  Optional<Digest> selection(String name) {
    for (Imported source : imported) {
      Digest d = source.bundle().selections().get(name);
      if (d != null) {
        return Optional.of(d);
      }
    }
    return Optional.empty();
  }

  void recordSelection(String name, Digest checksum) {
    if (!to.isEmpty()) {
      selections.put(name, checksum);
    }
  }

  void record(int stage, CacheKey key, CacheResult result) {
    if (!to.isEmpty()) {
      seen.put(key, new Seen(stage, key, result));
    }
  }

  boolean exporting() {
    return !to.isEmpty();
  }

  /** Writes every {@code --cache-to}; {@code imageStages} are the stages min mode keeps. */
  void exportAll(Set<Integer> imageStages) throws IOException {
    for (CacheSpec spec : to) {
      List<CacheEntry> entries = new ArrayList<>();
      for (Seen s : seen.values()) {
        if (spec.maxMode() || imageStages.contains(s.stage())) {
          entries.add(new CacheEntry(s.key(), s.result(), Instant.EPOCH));
        }
      }
      CacheBundle bundle = new CacheBundle(entries, selections);
      BuiltImage image =
          new BuiltImage(bundle.manifest(), bundle.config(), new StoreBlobSource(store));
      try {
        if (spec.type() == CacheSpec.Type.REGISTRY) {
          new RegistryOutput(registry.client(), Map.of())
              .write(image, List.of(spec.ref().orElseThrow()));
        } else {
          new OciLayoutWriter(spec.dir().orElseThrow()).write(image, List.of("latest"));
        }
      } catch (IOException | RuntimeException e) {
        if (!spec.ignoreError()) {
          throw e;
        }
        // buildx's ignore-error=true: the image is built; only this export is lost.
        listener.on(
            new BuildEvent.Warning(
                clock.instant(),
                "cache export to "
                    + describe(spec)
                    + " failed, ignored (ignore-error=true): "
                    + e.getMessage(),
                Optional.empty()));
        continue;
      }
      listener.on(
          new BuildEvent.Note(
              clock.instant(),
              "exported " + entries.size() + " cache entries to " + describe(spec)));
    }
  }

  private static String describe(CacheSpec spec) {
    return spec.type() == CacheSpec.Type.REGISTRY
        ? "registry " + spec.ref().orElse("?")
        : "directory " + spec.dir().map(Object::toString).orElse("?");
  }
}
