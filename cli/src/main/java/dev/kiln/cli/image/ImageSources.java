package dev.kiln.cli.image;

import dev.kiln.core.engine.StoreNames;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RemoteManifest;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Finds the image a command's SRC argument names:
 *
 * <ul>
 *   <li>{@code oci-layout://DIR[:NAME|@DIGEST]}, or an existing directory {@code DIR[:NAME]}: an
 *       OCI image layout;
 *   <li>an existing file {@code FILE[:NAME]}: an OCI archive or a {@code docker save} archive
 *       (unpacked to a temp directory under the cache directory, removed by {@link #close()});
 *   <li>{@code docker://REF}: the registry, and only the registry;
 *   <li>anything else is an image reference, looked up in kiln's local store by its full name
 *       ({@code app:1} is {@code docker.io/library/app:1}), then, for commands that allow it, in
 *       the registry.
 * </ul>
 */
public final class ImageSources implements AutoCloseable {
  static final String REGISTRY_PREFIX = "docker://";
  private static final String LAYOUT_PREFIX = "oci-layout://";

  private final Path storeRoot;
  private final List<Path> temporary = new ArrayList<>();

  /**
   * @param storeRoot kiln's content store (an OCI layout; it need not exist yet)
   */
  public ImageSources(Path storeRoot) {
    this.storeRoot = storeRoot;
  }

  /** The local store as a layout. */
  LayoutLocation store() {
    return new LayoutLocation(storeRoot, "kiln's local store " + storeRoot);
  }

  /** An image from a layout, an archive or the local store; never the network. */
  LocatedImage local(String src) throws IOException {
    Optional<LocatedImage> found = fromPath(src);
    if (found.isPresent()) {
      return found.get();
    }
    if (src.startsWith(REGISTRY_PREFIX)) {
      throw new ImageNotFoundException(
          src + " names a registry image, and this command reads local images only",
          "pull it first: kiln pull " + src.substring(REGISTRY_PREFIX.length()));
    }
    requireNotAMissingPath(src);
    ImageReference ref = ImageReference.parse(src);
    return fromStore(ref)
        .orElseThrow(
            () ->
                new ImageNotFoundException(
                    "no image "
                        + StoreNames.of(ref)
                        + " in kiln's local store ("
                        + storeRoot
                        + "), and "
                        + src
                        + " is not a file or directory",
                    Files.isDirectory(Path.of(src))
                        ? src + " is a directory but not an OCI image layout (it has no index.json)"
                        : "build it with kiln build -t "
                            + src
                            + ", pull it with kiln pull "
                            + src
                            + ", or name an OCI layout directory or image archive"));
  }

  /** An image from a layout, an archive or the local store, else from the registry. */
  LocatedImage localOrRegistry(String src, Supplier<RegistryClient> client) throws IOException {
    if (src.startsWith(REGISTRY_PREFIX)) {
      return fromRegistry(ImageReference.parse(src.substring(REGISTRY_PREFIX.length())), client);
    }
    Optional<LocatedImage> found = fromPath(src);
    if (found.isPresent()) {
      return found.get();
    }
    requireNotAMissingPath(src);
    ImageReference ref = ImageReference.parse(src);
    Optional<LocatedImage> stored = fromStore(ref);
    return stored.isPresent() ? stored.get() : fromRegistry(ref, client);
  }

  /**
   * Fails for a SRC that can only be a path (an image name never starts with {@code /}, {@code .}
   * or {@code ~}) when nothing is there, instead of reporting it as a malformed image name.
   */
  private static void requireNotAMissingPath(String src) throws IOException {
    if (!src.startsWith("/") && !src.startsWith(".") && !src.startsWith("~")) {
      return;
    }
    if (Files.isDirectory(Path.of(src))) {
      layout(Path.of(src)); // a directory, but not a layout (or it would have been found): says so
    }
    throw new ImageNotFoundException(
        src + ": no such file or directory",
        "name an OCI archive, a docker save archive or an OCI layout directory that exists,"
            + " or an image in kiln's local store (NAME[:TAG])");
  }

  /** The local store's image named {@code ref} (by full name, or by digest), if any. */
  Optional<LocatedImage> fromStore(ImageReference ref) throws IOException {
    LayoutLocation store = store();
    if (!LayoutLocation.isLayout(storeRoot)) {
      return Optional.empty();
    }
    String selector = ref.digest() != null ? "@" + ref.digest() : StoreNames.of(ref);
    if (ref.digest() == null && !store.names().contains(selector)) {
      return Optional.empty();
    }
    try {
      return Optional.of(open(store, selector, StoreNames.of(ref)));
    } catch (ImageNotFoundException e) {
      return Optional.empty();
    }
  }

  static LocatedImage fromRegistry(ImageReference ref, Supplier<RegistryClient> client)
      throws IOException {
    RegistryClient c = client.get();
    RemoteManifest remote = c.fetchManifest(ref);
    return new LocatedImage(ref.toString(), new RegistryLocation(c, ref), remote.manifest());
  }

  private Optional<LocatedImage> fromPath(String src) throws IOException {
    if (src.startsWith(LAYOUT_PREFIX)) {
      String rest = src.substring(LAYOUT_PREFIX.length());
      int at = rest.lastIndexOf('@');
      int colon = rest.lastIndexOf(':');
      int slash = rest.lastIndexOf('/');
      int split = at >= 0 ? at : (colon > slash ? colon : -1);
      Path dir = Path.of(split < 0 ? rest : rest.substring(0, split));
      String selector = split < 0 ? "" : rest.substring(at >= 0 ? split : split + 1);
      return Optional.of(open(layout(dir), selector, src));
    }
    // SRC, or SRC:NAME, where SRC is a file or an OCI layout directory. Other directories do not
    // count: a build context called app must not hide the image app:1.
    Path path = null;
    String selector = "";
    if (isImagePath(Path.of(src))) {
      path = Path.of(src);
    } else {
      for (int colon = src.indexOf(':'); colon > 0; colon = src.indexOf(':', colon + 1)) {
        Path candidate = Path.of(src.substring(0, colon));
        if (isImagePath(candidate)) {
          path = candidate;
          selector = src.substring(colon + 1);
          break;
        }
      }
    }
    if (path == null) {
      return Optional.empty();
    }
    if (Files.isDirectory(path)) {
      return Optional.of(open(layout(path), selector, src));
    }
    Path dir = Files.createTempDirectory(tempRoot(), "import-");
    temporary.add(dir);
    ArchiveImport.unpack(path, dir);
    return Optional.of(open(new LayoutLocation(dir, "image archive " + path), selector, src));
  }

  private static boolean isImagePath(Path path) {
    return Files.isRegularFile(path) || LayoutLocation.isLayout(path);
  }

  private static LayoutLocation layout(Path dir) throws IOException {
    if (!LayoutLocation.isLayout(dir)) {
      throw new ImageNotFoundException(
          dir + " is a directory but not an OCI image layout (it has no index.json)",
          "name a directory written by kiln build --output type=oci,tar=false, skopeo or buildx;"
              + " to mean an image in kiln's store, write its full name (docker.io/library/NAME)");
    }
    return new LayoutLocation(dir, "OCI layout " + dir);
  }

  private static LocatedImage open(LayoutLocation layout, String selector, String name)
      throws IOException {
    Descriptor top = layout.select(selector);
    byte[] bytes = layout.readManifest(top);
    return new LocatedImage(name, layout, Manifests.parse(bytes, top.mediaType(), name));
  }

  private Path tempRoot() throws IOException {
    return Files.createDirectories(storeRoot.resolve("tmp"));
  }

  /** Removes the directories archives were unpacked into. */
  @Override
  public void close() {
    for (Path dir : temporary) {
      try (Stream<Path> walk = Files.walk(dir)) {
        walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // Best effort: the cache's tmp directory is cleaned by kiln cache prune.
      }
    }
    temporary.clear();
  }
}
