package dev.kiln.api.place;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.request.RequestException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cache.store.TreeDeletion;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.image.StoreFirstBlobSource;
import dev.kiln.core.output.DockerArchiveWriter;
import dev.kiln.core.output.LocalStoreOutput;
import dev.kiln.core.output.OciArchiveWriter;
import dev.kiln.core.output.OciLayoutWriter;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RemoteManifest;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Where images come from and go to, for every front end ({@code kiln push/pull/tag/inspect}, the
 * Maven goals): opens a {@link Place} as a source ({@link LocatedImage}: manifest or index, config
 * and blobs, read lazily and verified) and gives the {@link ImageSink} that writes to one.
 *
 * <p>Layers read from a registry go through kiln's local store, so they cross the network once. An
 * archive is unpacked into a temporary directory under the store's {@code tmp/} (layers can be
 * large, and the system temp directory is often a small tmpfs), removed by {@link #close()}.
 */
public final class Places implements AutoCloseable {
  private final Path storeRoot;
  private final Supplier<RegistryClient> registry;
  private final OutputStream stdout;
  private final List<Path> temporary = new ArrayList<>();
  private ContentStore store;

  /**
   * @param storeRoot kiln's content store (an OCI layout; it need not exist yet)
   * @param registry the registry client, asked for only when a place needs it; the caller closes it
   * @param stdout where an archive sink with the file name {@code -} writes
   */
  public Places(Path storeRoot, Supplier<RegistryClient> registry, OutputStream stdout) {
    this.storeRoot = storeRoot;
    this.registry = registry;
    this.stdout = stdout;
  }

  // ---------------------------------------------------------------- sources

  /** The image at {@code place}; a store name must be in the store. */
  public LocatedImage open(Place place) throws IOException {
    if (place instanceof Place.Registry r) {
      return fromRegistry(r.reference());
    }
    if (place instanceof Place.Store s) {
      return fromStore(s.reference()).orElseThrow(() -> notInStore(s));
    }
    if (place instanceof Place.Layout l) {
      return open(layout(l.dir()), l.selector(), l.text());
    }
    Place.Archive a = (Place.Archive) place;
    Path dir = Files.createTempDirectory(tempRoot(), "import-");
    temporary.add(dir);
    ArchiveImport.unpack(a.file(), dir);
    return open(new LayoutReader(dir, "image archive " + a.file()), a.selector(), a.text());
  }

  /**
   * Every image a layout or an archive holds, each digest once and in its {@code index.json}'s
   * order, with the names it gives it ({@code kiln load}).
   */
  public List<NamedImage> images(Place place) throws IOException {
    LayoutReader layout;
    if (place instanceof Place.Layout l) {
      layout = layout(l.dir());
    } else if (place instanceof Place.Archive a) {
      Path dir = Files.createTempDirectory(tempRoot(), "import-");
      temporary.add(dir);
      ArchiveImport.unpack(a.file(), dir);
      layout = new LayoutReader(dir, "image archive " + a.file());
    } else {
      throw new RequestException(
          place.text() + " is not an image archive or an OCI layout",
          "name an archive (FILE, oci-archive:FILE, docker-archive:FILE) or a layout directory");
    }
    Map<String, List<JsonNode>> byDigest = new LinkedHashMap<>();
    for (JsonNode entry : layout.entries()) {
      byDigest.computeIfAbsent(entry.path("digest").asText(), d -> new ArrayList<>()).add(entry);
    }
    Map<String, List<String>> repoTags = ArchiveNames.repoTagsByConfig(layout.dir());
    List<NamedImage> images = new ArrayList<>();
    for (Map.Entry<String, List<JsonNode>> image : byDigest.entrySet()) {
      Set<String> names = new LinkedHashSet<>();
      Set<String> tags = new LinkedHashSet<>();
      for (JsonNode entry : image.getValue()) {
        ArchiveNames.fullName(entry).ifPresent(names::add);
        ArchiveNames.bareTag(entry).ifPresent(tags::add);
      }
      LocatedImage located = open(layout, "@" + image.getKey(), place.text());
      if (!located.isIndex()) {
        names.addAll(
            repoTags.getOrDefault(located.imageManifest().config().digest().toString(), List.of()));
      }
      if (!names.isEmpty()) {
        tags.clear(); // a tag that goes with a whole name is no loose end
      }
      images.add(new NamedImage(located, List.copyOf(names), List.copyOf(tags)));
    }
    return images;
  }

  /** As {@link #open}, but never the network: a {@code docker://} place is refused. */
  public LocatedImage openLocal(Place place) throws IOException {
    if (place instanceof Place.Registry r) {
      String text = r.text();
      throw new ImageNotFoundException(
          text + " names a registry image, and this command reads local images only",
          "pull it first: kiln pull "
              + (text.startsWith(PlaceSyntax.REGISTRY)
                  ? text.substring(PlaceSyntax.REGISTRY.length())
                  : text));
    }
    return open(place);
  }

  /** As {@link #open}, but a name that is not in the local store is read from its registry. */
  public LocatedImage openOrAskRegistry(Place place) throws IOException {
    if (place instanceof Place.Store s) {
      Optional<LocatedImage> stored = fromStore(s.reference());
      return stored.isPresent() ? stored.get() : fromRegistry(s.reference());
    }
    return open(place);
  }

  private ImageNotFoundException notInStore(Place.Store place) {
    String text = place.text();
    return new ImageNotFoundException(
        "no image "
            + place.name()
            + " in kiln's local store ("
            + storeRoot
            + "), and "
            + text
            + " is not a file or directory",
        Files.isDirectory(Path.of(text))
            ? text + " is a directory but not an OCI image layout (it has no index.json)"
            : "build it with kiln build -t "
                + text
                + ", pull it with kiln pull "
                + text
                + ", or name an OCI layout directory or image archive");
  }

  /** The local store's image named {@code ref} (by full name, or by digest), if any. */
  private Optional<LocatedImage> fromStore(ImageReference ref) throws IOException {
    if (!LayoutReader.isLayout(storeRoot)) {
      return Optional.empty();
    }
    LayoutReader layout = new LayoutReader(storeRoot, "kiln's local store " + storeRoot);
    String name = Place.Store.nameOf(ref);
    String selector = ref.digest() != null ? "@" + ref.digest() : name;
    if (ref.digest() == null && !layout.names().contains(selector)) {
      return Optional.empty();
    }
    try {
      return Optional.of(open(layout, selector, name));
    } catch (ImageNotFoundException e) {
      return Optional.empty();
    }
  }

  private LocatedImage fromRegistry(ImageReference ref) throws IOException {
    RegistryClient client = registry.get();
    RemoteManifest remote = client.fetchManifest(ref);
    ImageReference repository = ref.repositoryOnly();
    return new LocatedImage(
        ref.toString(),
        new RegistryReader(client, ref, origin -> throughStore(origin, repository)),
        remote.manifest());
  }

  private static LayoutReader layout(Path dir) throws IOException {
    if (!LayoutReader.isLayout(dir)) {
      throw PlaceSyntax.notALayout(dir);
    }
    return new LayoutReader(dir, "OCI layout " + dir);
  }

  private static LocatedImage open(LayoutReader layout, String selector, String name)
      throws IOException {
    Descriptor top = layout.select(selector);
    byte[] bytes = layout.readManifest(top);
    return new LocatedImage(name, layout, Manifests.parse(bytes, top.mediaType(), name));
  }

  /**
   * Blobs of {@code origin} (repository {@code repository} of a registry) read through the store: a
   * missing one is fetched into it first, and remembered as coming from there so that a later push
   * to the same registry mounts it. The store is opened on the first read, so looking at a registry
   * image never creates it.
   */
  private BlobSource throughStore(BlobSource origin, ImageReference repository) {
    return new BlobSource() {
      @Override
      public InputStream open(Descriptor descriptor) throws IOException {
        store().blobOrigins().record(descriptor.digest(), repository.name());
        return new StoreFirstBlobSource(store(), origin).open(descriptor);
      }

      @Override
      public Optional<Path> fetchedFile(Descriptor descriptor) throws IOException {
        store().blobOrigins().record(descriptor.digest(), repository.name());
        return new StoreFirstBlobSource(store(), origin).fetchedFile(descriptor);
      }

      @Override
      public Optional<Path> localFile(Descriptor descriptor) {
        try {
          return new StoreFirstBlobSource(store(), origin).localFile(descriptor);
        } catch (IOException e) {
          return origin.localFile(descriptor); // open() will report the store's failure
        }
      }
    };
  }

  /** Repositories a blob of the store is known to come from; none when there is no store. */
  private List<String> originsOf(Digest blob) throws IOException {
    return Files.isDirectory(storeRoot) ? store().blobOrigins().find(blob) : List.of();
  }

  // ---------------------------------------------------------------- sinks

  /**
   * The sink that writes to {@code place}. An archive needs its kind ({@code oci-archive:} or
   * {@code docker-archive:}); the file {@code -} is {@code stdout}.
   */
  public ImageSink sink(Place place) throws IOException {
    if (place instanceof Place.Registry r) {
      return new RegistrySink(registry.get(), r.reference(), this::originsOf);
    }
    if (place instanceof Place.Store) {
      return new FileSink(new LocalStoreOutput(store()));
    }
    if (place instanceof Place.Layout l) {
      return new FileSink(new OciLayoutWriter(l.dir()));
    }
    Place.Archive a = (Place.Archive) place;
    return switch (a.kind()) {
      case OCI -> new FileSink(new OciArchiveWriter(a.file(), stdout));
      case DOCKER -> new FileSink(new DockerArchiveWriter(a.file(), stdout));
      case EITHER ->
          throw new RequestException(
              a.text() + " does not say which kind of archive to write",
              "write oci-archive:" + a.file() + " or docker-archive:" + a.file());
    };
  }

  /** The sink that writes into kiln's local store, naming images by the names a write gives. */
  public ImageSink storeSink() throws IOException {
    return new FileSink(new LocalStoreOutput(store()));
  }

  // ---------------------------------------------------------------- names

  /**
   * The images kiln's local store names, in its {@code index.json}'s order ({@code kiln images}).
   */
  public List<StoredImage> storedImages() throws IOException {
    if (!LayoutReader.isLayout(storeRoot)) {
      return List.of();
    }
    return new LocalStoreImages(store()).list();
  }

  /**
   * Removes names from kiln's local store ({@code kiln rmi}): {@code text} is a name ({@code app:1}
   * means {@code docker.io/library/app:1}), or a digest or the start of one (at least 4 hex
   * digits), which removes every name of that image; an image with several names is removed by
   * digest only with {@code force}. No blob is deleted: {@code kiln cache prune} deletes what
   * nothing uses.
   *
   * @throws ImageNotFoundException when the store has no such name or digest
   */
  public List<UntaggedImage> untag(String text, boolean force) throws IOException {
    if (!LayoutReader.isLayout(storeRoot)) {
      throw new ImageNotFoundException(
          "no image " + text + " in kiln's local store (" + storeRoot + "): it is empty",
          "build or pull an image first");
    }
    return new LocalStoreImages(store()).untag(text, force);
  }

  /**
   * Marks the images named {@code names} in kiln's local store as pulled from {@code source}
   * ({@code REFERENCE@DIGEST}): a build then checks the tag against its registry again, where an
   * image built or loaded under a name is used as it is.
   */
  public void recordPulled(List<String> names, String source) throws IOException {
    store()
        .index()
        .update(
            entries ->
                entries.stream()
                    .map(
                        e ->
                            e.refName().filter(names::contains).isPresent()
                                ? e.withAnnotation(IndexEntry.PULLED_FROM, source)
                                : e)
                    .toList());
  }

  /**
   * Gives the image at {@code source} another name without copying a blob: in kiln's local store
   * when a {@link Place.Store} name is there, else in its registry, where the manifest is put under
   * the new tag.
   *
   * @param newName {@code NAME[:TAG]}; for a registry image a tag alone, or a name in the same
   *     repository
   */
  public TaggedImage tag(Place source, String newName) throws IOException {
    ImageReference src;
    if (source instanceof Place.Store s) {
      Optional<IndexEntry> stored = storeEntry(s.reference());
      if (stored.isPresent()) {
        String name = Place.Store.nameOf(ImageReference.parse(newName));
        store().index().tag(name, stored.get());
        return new TaggedImage(name, stored.get().digest(), "kiln's local store");
      }
      src = s.reference();
    } else if (source instanceof Place.Registry r) {
      src = r.reference();
    } else {
      throw new RequestException(
          "kiln tags images in its local store or in a registry, not in " + source.text(),
          "name an image, NAME[:TAG] or docker://REF");
    }
    ImageReference target = registryTarget(src, newName, source.text());
    RegistryClient client = registry.get();
    RemoteManifest manifest = client.fetchManifest(src);
    client.pushManifest(target.repositoryOnly(), manifest.manifest(), List.of(target.tag()));
    return new TaggedImage(target.toString(), manifest.digest(), "the registry");
  }

  private Optional<IndexEntry> storeEntry(ImageReference src) throws IOException {
    if (!LayoutReader.isLayout(storeRoot)) {
      return Optional.empty();
    }
    if (src.digest() != null) {
      return store().index().entries().stream()
          .filter(e -> e.digest().equals(src.digest()))
          .findFirst();
    }
    return store().index().find(Place.Store.nameOf(src));
  }

  /** NEWNAME as a reference in SRC's repository: a bare tag, or a full name that agrees. */
  private static ImageReference registryTarget(ImageReference src, String newName, String text) {
    boolean bareTag = !newName.contains("/") && !newName.contains(":") && !newName.contains("@");
    if (bareTag) {
      return src.repositoryOnly().withTag(newName);
    }
    ImageReference target = ImageReference.parse(newName);
    if (!target.repositoryOnly().equals(src.repositoryOnly())) {
      throw new RequestException(
          "cannot tag "
              + src
              + " as "
              + target
              + ": in a registry, kiln tags within one repository (no blobs are copied)",
          "give a tag, e.g. kiln tag " + text + " v2, or copy with kiln pull and kiln push");
    }
    if (target.digest() != null) {
      throw new RequestException(
          "NEWNAME " + newName + " has a digest", "a tag names an image; write NAME:TAG");
    }
    return target.tag() == null ? target.withTag(ImageReference.DEFAULT_TAG) : target;
  }

  // ---------------------------------------------------------------- housekeeping

  private synchronized ContentStore store() throws IOException {
    if (store == null) {
      store = ContentStore.open(storeRoot);
    }
    return store;
  }

  private Path tempRoot() throws IOException {
    return Files.createDirectories(storeRoot.resolve("tmp"));
  }

  /** Removes the directories archives were unpacked into. */
  @Override
  public void close() {
    // Best effort: what is left in the store's tmp directory is removed by kiln cache prune.
    temporary.forEach(TreeDeletion::deleteQuietly);
    temporary.clear();
  }
}
