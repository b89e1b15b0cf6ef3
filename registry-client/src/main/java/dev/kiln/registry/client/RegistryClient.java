package dev.kiln.registry.client;

import dev.kiln.registry.config.RegistriesConfig;
import dev.kiln.registry.config.ShortNameResolution;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.event.TransferStats;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageIndex;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ContentVerificationException;
import dev.kiln.registry.transport.NotFoundException;
import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A client for OCI distribution registries (Docker Hub, GHCR, ECR, Harbor, a local {@code
 * registry:2}...). One instance per build: it keeps connections, pings and tokens for every
 * registry it talks to, and is thread-safe.
 *
 * <h2>Reading</h2>
 *
 * <pre>{@code
 * try (RegistryClient client = RegistryClient.create(RegistryClientOptions.defaults())) {
 *   RemoteImage base = client.resolveImage(ImageReference.parse("busybox:1.36"), Platform.parse("linux/amd64"));
 *   ImageConfig config = base.config();                  // fetched now, verified
 *   try (InputStream layer = base.openBlob(base.layers().get(0))) { ... }  // verified while read
 * }
 * }</pre>
 *
 * <h2>Writing</h2>
 *
 * <pre>{@code
 * ImageToPush image = new ImageToPush(manifest, List.of(
 *     BlobToPush.json(MediaType.OCI_CONFIG, config.raw()),
 *     BlobToPush.of(layerDescriptor, BlobContent.ofFile(layerFile)),
 *     base.blobToPush(baseLayer)));                       // mounted if same registry
 * PushResult result = client.pushImage(ImageReference.parse("ghcr.io/me/app:1.0"), image, List.of("latest"));
 * }</pre>
 *
 * <p>Every failure is a {@link RegistryException} (an {@code IOException}) whose message names the
 * reference, the request, the HTTP status, the registry's error codes and the credentials' source;
 * {@link NotFoundException} and {@link dev.kiln.registry.transport.AuthenticationException} mark
 * the cases callers handle differently.
 */
public final class RegistryClient implements AutoCloseable {
  private final RegistryClientOptions options;
  private final TransferStats stats = new TransferStats();
  private final RegistryHttpStack http;
  private final EndpointCaller caller;
  private final PullRouting routing;
  private final BlobPuller blobPuller;
  private final BlobPusher blobPusher;
  private final ImagePusher imagePusher;
  private final ExecutorService uploads;

  private RegistryClient(RegistryClientOptions options) {
    this.options = options;
    Consumer<RegistryEvent> userListener = options.listener();
    Consumer<RegistryEvent> events =
        event -> {
          stats.accept(event);
          userListener.accept(event);
        };
    this.http = new RegistryHttpStack(options, events);
    this.caller = new EndpointCaller(http);
    this.routing = new PullRouting(options.registries(), events);
    this.blobPuller = new BlobPuller(caller, options, events, routing);
    this.blobPusher = new BlobPusher(caller, options, events);
    AtomicInteger n = new AtomicInteger();
    this.uploads =
        Executors.newFixedThreadPool(
            options.parallelUploads(),
            r -> {
              Thread t = new Thread(r, "kiln-upload-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.imagePusher = new ImagePusher(caller, blobPusher, uploads);
  }

  /** A client with the given options. Close it to release connections and threads. */
  public static RegistryClient create(RegistryClientOptions options) {
    return new RegistryClient(options);
  }

  public RegistryClientOptions options() {
    return options;
  }

  // ---------------------------------------------------------------- reading

  /**
   * Resolves a reference to a descriptor with one {@code HEAD} (cheap, and not counted against
   * Docker Hub's pull limit): a tag becomes the digest it points at now. Falls back to {@code GET}
   * for registries that send no digest on HEAD.
   *
   * @return empty if the tag or digest does not exist
   */
  public Optional<Descriptor> head(ImageReference reference) throws IOException {
    Optional<ManifestHead.Result> head =
        routing.pull(
            reference,
            "resolving " + reference,
            source -> caller.call(new ManifestHead(source, false)),
            Optional::isPresent);
    if (head.isEmpty()) {
      return Optional.empty();
    }
    if (head.get().descriptor() != null) {
      return Optional.of(head.get().descriptor());
    }
    try {
      return Optional.of(fetchManifest(reference).descriptor());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /** The digest {@code reference} points at now; {@link NotFoundException} if it does not exist. */
  public Digest resolveDigest(ImageReference reference) throws IOException {
    return head(reference)
        .orElseThrow(
            () ->
                new NotFoundException(
                    "resolving " + reference,
                    "HEAD",
                    reference.name(),
                    List.of(),
                    null,
                    "no manifest with that tag or digest exists in the repository"))
        .digest();
  }

  /**
   * Fetches a manifest or index by tag or digest, with every manifest media type accepted, and
   * verifies its bytes against the digest (when the reference has one) and the registry's {@code
   * Docker-Content-Digest}.
   */
  public RemoteManifest fetchManifest(ImageReference reference) throws IOException {
    RemoteManifest fetched;
    try {
      fetched =
          routing.pull(
              reference,
              "pulling manifest " + reference,
              source -> caller.call(new ManifestGet(source)));
    } catch (NotFoundException e) {
      throw withTagsNearby(reference, e);
    }
    // Named as asked, wherever it came from: a mirror's name must not leak into the image's.
    return new RemoteManifest(reference, fetched.manifest());
  }

  /**
   * The references a name as the user wrote it ({@code busybox}, {@code ghcr.io/o/a:1}) may be
   * pulled as: itself when it names its registry, else by registries.conf's aliases and
   * unqualified-search registries ({@link RegistriesConfig#resolve}); Docker Hub when no file sets
   * them.
   *
   * @throws dev.kiln.registry.config.ShortNameException when the settings leave it unresolved
   */
  public ShortNameResolution candidates(String name) {
    return options.registries().resolve(name);
  }

  /**
   * {@link #resolveImage(ImageReference, Platform)} for a name as the user wrote it: each of its
   * {@link #candidates} in turn until one exists. The result's {@link RemoteImage#reference()} is
   * the candidate that did. When none does, the failure lists each candidate's.
   */
  public RemoteImage resolveImage(String name, Platform platform) throws IOException {
    ShortNameResolution resolution = candidates(name);
    List<ImageReference> candidates = resolution.candidates();
    if (candidates.size() == 1) {
      return resolveImage(candidates.get(0), platform);
    }
    List<IOException> failures = new ArrayList<>();
    for (ImageReference candidate : candidates) {
      try {
        return resolveImage(candidate, platform);
      } catch (java.io.InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        failures.add(e);
      }
    }
    StringBuilder why = new StringBuilder();
    for (int i = 0; i < candidates.size(); i++) {
      why.append("\n * ")
          .append(candidates.get(i))
          .append(": ")
          .append(failures.get(i).getMessage());
    }
    String problem =
        "none of the "
            + candidates.size()
            + " candidates could be pulled ("
            + resolution.description()
            + "):"
            + why;
    RegistryException e =
        failures.stream().allMatch(f -> f instanceof NotFoundException)
            ? new NotFoundException("resolving " + name, "GET", name, List.of(), null, problem)
            : new RegistryException("resolving " + name, problem, null);
    failures.forEach(e::addSuppressed);
    throw e;
  }

  /**
   * Resolves a reference to one platform's image: fetches the manifest, and when it is an index,
   * picks the manifest for {@code platform} ({@link ImageIndex#manifestFor}) and fetches that by
   * digest. The config and layers are fetched later, when asked for.
   *
   * @throws PlatformNotFoundException if the index has nothing for {@code platform}
   */
  public RemoteImage resolveImage(ImageReference reference, Platform platform) throws IOException {
    RemoteManifest top = fetchManifest(reference);
    if (!top.isIndex()) {
      return new RemoteImage(this, reference, top, null);
    }
    ImageIndex index = top.index();
    Descriptor chosen =
        index
            .manifestFor(platform)
            .orElseThrow(
                () -> new PlatformNotFoundException(reference, platform, index.platforms()));
    if (!MediaType.isManifest(chosen.mediaType())) {
      throw new RegistryException(
          "resolving " + reference + " for " + platform,
          "the index lists " + chosen.mediaType() + " for that platform, not an image manifest",
          null);
    }
    RemoteManifest child = fetchManifest(reference.repositoryOnly().withDigest(chosen.digest()));
    return new RemoteImage(this, reference, child, top.digest());
  }

  /**
   * A stream of a blob's bytes that verifies digest and size while it is read, and resumes with
   * {@code Range} when the connection breaks. Reading past the end, or a wrong digest, throws
   * {@link dev.kiln.registry.transport.ContentVerificationException} before the last bytes are
   * handed out. Close it; closing early drops the connection.
   */
  public InputStream openBlob(ImageReference repository, Descriptor blob) throws IOException {
    return blobPuller.open(repository, blob);
  }

  /**
   * Like {@link #openBlob}, resuming and size-checked, but the digest is NOT checked: for a caller
   * that hashes every byte itself and keeps nothing unless it matches (kiln's content store checks
   * a blob as it writes it), so that each downloaded byte is hashed once. Any other caller wants
   * {@link #openBlob}.
   */
  public InputStream openBlobForVerifyingWriter(ImageReference repository, Descriptor blob)
      throws IOException {
    return blobPuller.open(repository, blob, true);
  }

  /**
   * The failure to report when a blob read with {@link #openBlobForVerifyingWriter} turned out not
   * to match its digest: the same one {@link #openBlob} throws, naming the blob and the repository.
   */
  public ContentVerificationException blobMismatch(ImageReference repository, Descriptor blob) {
    return VerifiedBlobStream.mismatch(
        "pulling blob " + blob.digest() + " from " + repository.name(), blob);
  }

  /** A small blob (a config) in memory, verified. */
  public byte[] readBlob(ImageReference repository, Descriptor blob) throws IOException {
    return blobPuller.readAll(repository, blob);
  }

  /**
   * Downloads a blob to {@code target} atomically: a temp file in the same directory, renamed into
   * place only once the digest checked out.
   */
  public void downloadBlob(ImageReference repository, Descriptor blob, Path target)
      throws IOException {
    blobPuller.download(repository, blob, target);
  }

  /** The blob's content read from this registry (for pushing it elsewhere). */
  public BlobContent blobContent(ImageReference repository, Descriptor blob) {
    return BlobContent.of(() -> openBlob(repository, blob));
  }

  /**
   * A missing tag's failure, told which tags the repository has that come closest ({@link
   * TagSuggestions}); unchanged when the tag is not what is missing or the tags cannot be listed.
   * Only the first page of tags is asked for: one more request, however many tags there are.
   */
  private NotFoundException withTagsNearby(ImageReference reference, NotFoundException e) {
    if (reference.tag() == null || reference.digest() != null || !e.hasCode("MANIFEST_UNKNOWN")) {
      return e;
    }
    try {
      TagsPage.Page page =
          caller.call(new TagsPage(reference, ApiUrls.tags(reference, TagSuggestions.PAGE)));
      return e.withMoreHint(
          TagSuggestions.describe(reference.tag(), page.tags(), page.next() != null));
    } catch (IOException | RuntimeException listing) {
      e.addSuppressed(listing);
      return e;
    }
  }

  /** Whether the repository has the blob ({@code HEAD}); its size if so. */
  public Optional<Long> blobSize(ImageReference repository, Digest digest) throws IOException {
    return caller.call(new BlobHead(repository, digest, false));
  }

  /** Every tag of the repository, following {@code Link} pagination. */
  public List<String> listTags(ImageReference repository) throws IOException {
    return listTags(repository, 1000);
  }

  /** Every tag of the repository, asking for {@code pageSize} tags per request. */
  public List<String> listTags(ImageReference repository, int pageSize) throws IOException {
    if (pageSize < 1) {
      throw new IllegalArgumentException("pageSize must be positive");
    }
    List<String> tags = new ArrayList<>();
    URI next = ApiUrls.tags(repository, pageSize);
    for (int page = 0; next != null; page++) {
      if (page > 10_000) {
        throw new RegistryException(
            "listing tags of " + repository.name(), "the registry's pagination does not end", null);
      }
      TagsPage.Page p = caller.call(new TagsPage(repository, next));
      tags.addAll(p.tags());
      next = p.next();
    }
    return tags;
  }

  /**
   * The manifests that refer to {@code subject} (signatures, SBOMs): from the OCI 1.1 referrers
   * API, or, for registries without it, from the {@code sha256-<hex>} tag that older clients
   * maintain.
   *
   * @param artifactType only referrers of this artifact type; null for all
   */
  public List<Descriptor> referrers(ImageReference repository, Digest subject, String artifactType)
      throws IOException {
    Optional<ImageIndex> index = caller.call(new ReferrersGet(repository, subject, artifactType));
    List<Descriptor> all;
    if (index.isPresent()) {
      all = index.get().manifests();
    } else {
      String fallbackTag = subject.algorithm() + "-" + subject.hex();
      try {
        RemoteManifest m = fetchManifest(repository.withTag(fallbackTag));
        all = m.isIndex() ? m.index().manifests() : List.of();
      } catch (NotFoundException e) {
        all = List.of();
      }
    }
    if (artifactType == null) {
      return all;
    }
    return all.stream().filter(d -> artifactType.equals(d.artifactType())).toList();
  }

  /**
   * Whether the registry serves the OCI 1.1 referrers API for {@code repository}. Registries
   * without it (Docker's registry 2.8, for one) answer the endpoint with 404; clients then keep
   * what refers to an image under tags instead (cosign's {@code sha256-<hex>.sig}).
   *
   * @param subject any digest; a registry with the API answers with an index, empty or not
   */
  public boolean supportsReferrers(ImageReference repository, Digest subject) throws IOException {
    return caller.call(new ReferrersGet(repository, subject, null)).isPresent();
  }

  // ---------------------------------------------------------------- writing

  /**
   * Puts one blob into {@code target}'s repository: nothing if it is there (HEAD), a mount from
   * {@code mountFrom} if that is on the same registry, else an upload from {@code content}.
   *
   * @param mountFrom a repository that has the blob, or null
   */
  public PushOutcome pushBlob(
      ImageReference target, Descriptor blob, BlobContent content, ImageReference mountFrom)
      throws IOException {
    return blobPusher.push(target, blob, content, mountFrom);
  }

  /**
   * Uploads a stream whose digest is not known yet, computing it on the way (one streamed PATCH).
   * The stream is read once, so this is not retried; prefer {@link #pushBlob} with a {@link
   * BlobContent} when the digest is known.
   */
  public Descriptor pushBlob(ImageReference target, String mediaType, InputStream content)
      throws IOException {
    return blobPusher.pushStream(target, mediaType, content);
  }

  /**
   * Pushes a manifest or index by digest, then under each tag that does not already point at it.
   * The caller must have pushed what it references.
   */
  public Digest pushManifest(ImageReference target, Manifest manifest, Collection<String> tags)
      throws IOException {
    return imagePusher.pushManifest(target, manifest, List.copyOf(tags));
  }

  /**
   * Pushes an image: nothing if every tag already points at its digest; else its blobs (in
   * parallel, skipping and mounting where possible), then the manifest by digest, then the tags.
   *
   * @param target the repository, and the tag to push (none: push by digest only)
   * @param moreTags further tags for the same manifest
   */
  public PushResult pushImage(ImageReference target, ImageToPush image, Collection<String> moreTags)
      throws IOException {
    return imagePusher.pushImage(target, image, tags(target, moreTags));
  }

  /** Pushes a multi-platform image: each child as {@link #pushImage} would, then the index. */
  public PushResult pushIndex(ImageReference target, IndexToPush index, Collection<String> moreTags)
      throws IOException {
    return imagePusher.pushIndex(target, index, tags(target, moreTags));
  }

  private static List<String> tags(ImageReference target, Collection<String> more) {
    List<String> tags = new ArrayList<>();
    if (target.tag() != null) {
      tags.add(target.tag());
    }
    for (String t : more) {
      if (!tags.contains(t)) {
        tags.add(target.withTag(t).tag()); // validates the tag
      }
    }
    return tags;
  }

  // ---------------------------------------------------------------- bookkeeping

  /** Counts of requests, blob outcomes and bytes so far (see {@link TransferStats}). */
  public TransferStats.Snapshot stats() {
    return stats.snapshot();
  }

  @Override
  public void close() throws IOException {
    uploads.shutdownNow();
    http.close();
  }
}
