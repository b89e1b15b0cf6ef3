package dev.kiln.core.engine;

import dev.kiln.api.place.RegistryAccess;
import dev.kiln.api.request.PullPolicy;
import dev.kiln.cache.store.BlobVerificationException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.image.OciLayoutImages;
import dev.kiln.core.image.ResolvedImage;
import dev.kiln.registry.client.RemoteImage;
import dev.kiln.registry.config.ShortNameException;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ConnectionFailures;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;

/**
 * Resolves the images a build starts from ({@code FROM}, {@code COPY --from=image}): {@code
 * oci-layout://DIR[:tag|@digest]}, an image in kiln's local store, else the registry (a short name
 * resolved by registries.conf's aliases and unqualified-search registries, Docker Hub by default).
 * As in BuildKit the store is a cache, not a pin: an image {@code kiln pull} stored is checked
 * against its registry tag (one HEAD) and the registry's image used when the tag moved; when the
 * registry does not answer the stored image is used with a warning. Images built or loaded under a
 * name are local and used as they are. {@link PullPolicy} changes this ({@code --pull}). Only the
 * manifest and config are fetched; layers are read through the content store when something needs
 * their bytes. Each reference is resolved once per build. The engine starts resolving every base
 * the target needs ({@link #prefetch}) as soon as the Dockerfile is compiled, so the registry round
 * trips of all stages overlap each other and the build's set-up; a step waits only for its own.
 */
final class BaseImages implements AutoCloseable {
  /** A resolved image and, for a registry image, where its layers can be mounted from. */
  record Base(ResolvedImage image, Optional<ImageReference> repository) {}

  private final ContentStore store;
  private final ResolvedTags resolvedTags;
  private final RegistryAccess registry;
  private final PullPolicy pull;
  private final Consumer<String> warn;

  /** Each reference and platform, resolved or being resolved: once per build. */
  private final Map<String, CompletableFuture<Base>> resolving = new ConcurrentHashMap<>();

  private final List<Thread> prefetches = new ArrayList<>();
  private boolean closed;

  /** How long {@link #close} waits for a resolution it stopped. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

  /**
   * @param warn says a warning (a stored base its registry could not confirm) to whoever watches
   *     the build
   */
  BaseImages(ContentStore store, RegistryAccess registry, PullPolicy pull, Consumer<String> warn) {
    this.store = store;
    this.resolvedTags = new ResolvedTags(store);
    this.registry = registry;
    this.pull = pull;
    this.warn = warn;
  }

  /** An image the build resolved: what it was called, for which platform, and what it was. */
  record Resolved(String reference, Platform platform, ResolvedImage image) {}

  private final Map<String, Resolved> byKey = new ConcurrentHashMap<>();

  /** Every image resolved so far (bases, {@code COPY --from} and mount images), in key order. */
  List<Resolved> resolvedImages() {
    return new java.util.TreeMap<>(byKey).values().stream().toList();
  }

  /**
   * Starts resolving {@code reference} for {@code platform} on a thread of its own, so that its
   * registry round trips overlap whatever the build does before a step needs the image; {@link
   * #resolve} then waits for it. A failure is kept for {@link #resolve} to throw: an image no step
   * ends up asking for fails nothing.
   */
  void prefetch(String reference, Platform platform) {
    CompletableFuture<Base> started = new CompletableFuture<>();
    if (resolving.putIfAbsent(reference + "|" + platform, started) != null) {
      return;
    }
    synchronized (prefetches) {
      if (closed) {
        resolving.remove(reference + "|" + platform, started);
        return;
      }
      Thread t =
          new Thread(
              () -> complete(started, reference, platform), "kiln-base-" + (prefetches.size() + 1));
      t.setDaemon(true);
      prefetches.add(t);
      t.start();
    }
  }

  Base resolve(String reference, Platform platform) throws IOException {
    String key = reference + "|" + platform;
    CompletableFuture<Base> started = new CompletableFuture<>();
    CompletableFuture<Base> known = resolving.putIfAbsent(key, started);
    if (known == null) {
      complete(started, reference, platform);
      known = started;
    }
    Base base = await(known);
    byKey.putIfAbsent(key, new Resolved(reference, platform, base.image()));
    return base;
  }

  private void complete(CompletableFuture<Base> future, String reference, Platform platform) {
    try {
      future.complete(load(reference, platform));
    } catch (IOException | RuntimeException | Error e) {
      future.completeExceptionally(e);
    }
  }

  /** The image {@code future} resolves to, or the exception its resolution threw, as thrown. */
  private static Base await(CompletableFuture<Base> future) throws IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException stopped = new InterruptedIOException("build interrupted");
      stopped.initCause(e);
      throw stopped;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    }
  }

  /**
   * Stops the resolutions still under way (the build is over: nothing will ask for them) and waits
   * a little for their threads, so that none reaches for the registry client after the build closed
   * it.
   */
  @Override
  public void close() {
    List<Thread> running;
    synchronized (prefetches) {
      closed = true;
      running = List.copyOf(prefetches);
    }
    for (Thread t : running) {
      t.interrupt();
    }
    boolean interrupted = false;
    for (Thread t : running) {
      try {
        t.join(CLOSE_WAIT.toMillis());
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
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
    if (pull == PullPolicy.MISSING && ref.digest() == null) {
      Optional<Base> remembered = fromResolvedTag(reference, ref, platform);
      if (remembered.isPresent()) {
        return remembered.get();
      }
    }
    if (pull == PullPolicy.NEVER) {
      throw new ImageNotFoundException(
          "base image " + reference + " is not in kiln's local store, and --pull=never",
          "kiln pull " + reference + " first, or drop --pull=never");
    }
    return fromRegistry(reference, platform);
  }

  private Base fromRegistry(String reference, Platform platform) throws IOException {
    RemoteImage remote;
    try {
      // A short name may mean another registry than Docker Hub: registries.conf decides.
      remote = registry.client().resolveImage(reference, platform);
    } catch (ShortNameException e) {
      throw new ImageNotFoundException(e.getMessage(), e.hint());
    } catch (ImageNotFoundException e) {
      throw e;
    } catch (IOException e) {
      if (pull != PullPolicy.ALWAYS) {
        throw e;
      }
      ImageNotFoundException failure =
          new ImageNotFoundException(
              "--pull: base image "
                  + reference
                  + " could not be resolved in its registry: "
                  + ConnectionFailures.describe(e),
              "make the registry reachable, or build without --pull to use the copy in kiln's"
                  + " local store, if it has one");
      failure.initCause(e);
      throw failure;
    }
    ImageReference pulled = remote.reference();
    BlobSource origin =
        new BlobSource() {
          @Override
          public InputStream open(Descriptor descriptor) throws IOException {
            return remote.openBlob(descriptor);
          }

          @Override
          public InputStream openForVerifyingWriter(Descriptor descriptor) throws IOException {
            return remote.openBlobForVerifyingWriter(descriptor);
          }

          @Override
          public IOException wrongBytes(Descriptor descriptor, BlobVerificationException check) {
            IOException e = remote.blobMismatch(descriptor);
            e.addSuppressed(check);
            return e;
          }
        };
    ResolvedImage image =
        new ResolvedImage(pulled.toString(), remote.manifest(), config(remote), origin);
    if (pulled.digest() == null) {
      resolvedTags.remember(reference, platform, remote.manifest());
    }
    return new Base(image, Optional.of(pulled.repositoryOnly()));
  }

  /**
   * {@code --pull=missing}: the manifest and config an earlier build got for this tag, from the
   * store, without asking the registry; the layers the store lacks are fetched by digest when a
   * step reads them, as any base's are.
   */
  private Optional<Base> fromResolvedTag(String reference, ImageReference ref, Platform platform) {
    Optional<ResolvedTags.Remembered> known = resolvedTags.find(reference, platform);
    if (known.isEmpty()) {
      return Optional.empty();
    }
    ImageReference repository = ref.repositoryOnly();
    BlobSource origin =
        new BlobSource() {
          @Override
          public InputStream open(Descriptor descriptor) throws IOException {
            return registry.client().openBlob(repository, descriptor);
          }

          @Override
          public InputStream openForVerifyingWriter(Descriptor descriptor) throws IOException {
            return registry.client().openBlobForVerifyingWriter(repository, descriptor);
          }

          @Override
          public IOException wrongBytes(Descriptor descriptor, BlobVerificationException check) {
            IOException e = registry.client().blobMismatch(repository, descriptor);
            e.addSuppressed(check);
            return e;
          }
        };
    ResolvedImage image =
        new ResolvedImage(ref.toString(), known.get().manifest(), known.get().config(), origin);
    return Optional.of(new Base(image, Optional.of(repository)));
  }

  /**
   * The config of {@code remote}: from the store when an earlier build kept it there (it is named
   * by its digest, which the manifest just fetched gives), else from the registry, and then kept,
   * so that a rebuild on an unchanged base asks its registry for the manifest only.
   */
  private ImageConfig config(RemoteImage remote) throws IOException {
    Descriptor d = remote.manifest().config();
    if (store.blobReader().contains(d.digest())) {
      try {
        return ImageConfig.parse(store.blobReader().readAllBytes(d.digest()));
      } catch (IOException | RuntimeException e) {
        // damaged or unreadable: the registry's copy below
      }
    }
    ImageConfig config = remote.config();
    try {
      store.blobWriter().write(config.raw().toByteArray());
    } catch (IOException e) {
      // Only a saving for the next build; a store that cannot take it fails where it matters.
    }
    return config;
  }

  /**
   * The image tagged {@code ref} in the local store (by its full normalised name), if the pull
   * policy lets the build use it: a pulled image whose tag still points where it did, or cannot be
   * checked; a local image (built or loaded under that name) always, unless {@code --pull}.
   */
  private Optional<ResolvedImage> fromStore(ImageReference ref, Platform platform)
      throws IOException {
    if (ref.digest() != null || pull == PullPolicy.ALWAYS) {
      return Optional.empty();
    }
    String name = StoreNames.of(ref);
    Optional<IndexEntry> entry = store.index().find(name);
    if (entry.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> pulled = entry.get().pulledFrom().filter(p -> p.startsWith(name + "@"));
    if (pulled.isPresent() && pull == PullPolicy.NEWER && tagMoved(name, pulled.get())) {
      return Optional.empty();
    }
    return Optional.of(OciLayoutImages.resolve(store.paths().root(), ":" + name, platform));
  }

  /**
   * Whether the registry tag {@code name} now points elsewhere than when it was pulled ({@code
   * pulledFrom} is {@code NAME@DIGEST}). A registry that does not answer, or no longer has the tag,
   * leaves the stored image in use, with a warning.
   */
  private boolean tagMoved(String name, String pulledFrom) {
    String digest = pulledFrom.substring(name.length() + 1);
    Optional<Descriptor> now;
    try {
      now = registry.client().head(ImageReference.parse(name));
    } catch (IOException e) {
      warn.accept(
          "could not check base image "
              + name
              + " in its registry ("
              + ConnectionFailures.describe(e)
              + "): using the copy in kiln's local store, pulled as "
              + digest);
      return false;
    }
    if (now.isEmpty()) {
      warn.accept(
          "base image "
              + name
              + " is no longer in its registry: using the copy in kiln's local store, pulled as "
              + digest);
      return false;
    }
    return !now.get().digest().toString().equals(digest);
  }

  /**
   * BuildKit's InvalidBaseImagePlatform: what to say when a single-platform base (an index was
   * resolved for the platform already) was made for another platform than the build's.
   */
  static Optional<String> platformMismatch(
      String reference, Platform platform, ImageConfig config) {
    Platform declared = config.platform();
    if (declared == null || platform.matches(declared)) {
      return Optional.empty();
    }
    return Optional.of(
        "Base image "
            + reference
            + " was pulled with platform \""
            + declared
            + "\", expected \""
            + platform
            + "\" for current build");
  }
}
