package dev.kiln.api.place;

import dev.kiln.api.request.RequestException;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads the text a user gives for an image into a {@link Place}:
 *
 * <ul>
 *   <li>{@code docker://REF}: the registry, and only the registry;
 *   <li>{@code oci:DIR[:NAME|@DIGEST]} or {@code oci-layout://DIR[:NAME|@DIGEST]}: an OCI layout;
 *   <li>{@code oci-archive:FILE[:NAME]}, {@code docker-archive:FILE[:NAME]}: an image archive of
 *       that kind (skopeo's transport names);
 *   <li>an existing OCI layout directory {@code DIR[:NAME]} or an existing file {@code
 *       FILE[:NAME]}: a layout, or an OCI or {@code docker save} archive (the kind is read from its
 *       content);
 *   <li>anything else is an image reference: a name in kiln's local store ({@code app:1} is {@code
 *       docker.io/library/app:1}), which commands that allow it also look up in the registry.
 * </ul>
 *
 * A directory that is not an OCI layout is never taken for one without a prefix, so a build context
 * called {@code app} does not hide the image {@code app:1}. Text that can only be a path (it starts
 * with {@code /}, {@code .} or {@code ~}) and names nothing is an error, not an image name.
 */
public final class PlaceSyntax {
  /** The prefix that means "the registry only". */
  public static final String REGISTRY = "docker://";

  private static final String LAYOUT_URL = "oci-layout://";
  private static final String LAYOUT = "oci:";
  private static final String OCI_ARCHIVE = "oci-archive:";
  private static final String DOCKER_ARCHIVE = "docker-archive:";

  private PlaceSyntax() {}

  /**
   * The place {@code text} names; relative paths are taken from {@code base} (the working
   * directory, a Maven project's directory).
   *
   * @throws ImageNotFoundException for a path that does not exist or a directory that is no layout
   * @throws dev.kiln.registry.reference.InvalidReferenceException for a malformed image name
   */
  public static Place parse(String text, Path base) throws IOException {
    if (text.startsWith(REGISTRY)) {
      return new Place.Registry(text, ImageReference.parse(text.substring(REGISTRY.length())));
    }
    if (text.startsWith(LAYOUT_URL)) {
      String rest = text.substring(LAYOUT_URL.length());
      int at = rest.lastIndexOf('@');
      int colon = rest.lastIndexOf(':');
      int slash = rest.lastIndexOf('/');
      int split = at >= 0 ? at : (colon > slash ? colon : -1);
      Path dir = base.resolve(split < 0 ? rest : rest.substring(0, split));
      String selector = split < 0 ? "" : rest.substring(at >= 0 ? split : split + 1);
      return new Place.Layout(text, dir, selector);
    }
    if (text.startsWith(LAYOUT)) {
      String[] pathAndSelector = splitTransport(text.substring(LAYOUT.length()));
      return new Place.Layout(text, base.resolve(pathAndSelector[0]), pathAndSelector[1]);
    }
    if (text.startsWith(OCI_ARCHIVE)) {
      return archive(text, OCI_ARCHIVE.length(), Place.ArchiveKind.OCI, base);
    }
    if (text.startsWith(DOCKER_ARCHIVE)) {
      return archive(text, DOCKER_ARCHIVE.length(), Place.ArchiveKind.DOCKER, base);
    }
    // TEXT, or TEXT:NAME, where TEXT is a file or an OCI layout directory.
    if (isImagePath(base.resolve(text))) {
      return Place.ofPath(base.resolve(text), "", text);
    }
    for (int colon = text.indexOf(':'); colon > 0; colon = text.indexOf(':', colon + 1)) {
      Path candidate = base.resolve(text.substring(0, colon));
      if (isImagePath(candidate)) {
        return Place.ofPath(candidate, text.substring(colon + 1), text);
      }
    }
    requireNotAMissingPath(text, base);
    return new Place.Store(text, ImageReference.parse(text));
  }

  /**
   * The place {@code text} names as somewhere to write: {@code docker://REF}; {@code
   * oci:DIR[:NAME]} or {@code oci-layout://DIR[:NAME]}; {@code oci-archive:FILE[:NAME]} or {@code
   * docker-archive:FILE[:NAME]} (none of which need exist yet); an existing OCI layout directory;
   * else a name in kiln's local store. A path without a prefix cannot say which kind of file to
   * write, so it is refused rather than taken for an image name.
   */
  public static Place parseDestination(String text, Path base) throws IOException {
    if (text.startsWith(REGISTRY)
        || text.startsWith(LAYOUT_URL)
        || text.startsWith(LAYOUT)
        || text.startsWith(OCI_ARCHIVE)
        || text.startsWith(DOCKER_ARCHIVE)
        || LayoutReader.isLayout(base.resolve(text))) {
      return parse(text, base);
    }
    boolean pathLike =
        text.startsWith("/")
            || text.startsWith(".")
            || text.startsWith("~")
            || text.endsWith(".tar")
            || text.endsWith(".tar.gz")
            || Files.exists(base.resolve(text));
    if (pathLike) {
      throw new RequestException(
          text + " is a path, and kiln cannot tell which kind of image to write there",
          "write oci-archive:"
              + text
              + " (an OCI archive), docker-archive:"
              + text
              + " (for docker load) or oci:"
              + text
              + " (an OCI layout directory)");
    }
    return new Place.Store(text, ImageReference.parse(text));
  }

  /**
   * {@code docker://REF} or an image reference, for commands that take no path ({@code kiln tag}).
   */
  public static Place parseReference(String text) {
    if (text.startsWith(REGISTRY)) {
      return new Place.Registry(text, ImageReference.parse(text.substring(REGISTRY.length())));
    }
    return new Place.Store(text, ImageReference.parse(text));
  }

  private static Place archive(String text, int prefix, Place.ArchiveKind kind, Path base) {
    String[] pathAndSelector = splitTransport(text.substring(prefix));
    return new Place.Archive(text, base.resolve(pathAndSelector[0]), pathAndSelector[1], kind);
  }

  /**
   * skopeo's {@code PATH[:NAME]}: the path ends at the first {@code :}, or at {@code @} for a
   * digest (whose own {@code :} must not split it).
   */
  private static String[] splitTransport(String rest) {
    int at = rest.indexOf('@');
    int colon = rest.indexOf(':');
    if (at >= 0 && (colon < 0 || at < colon)) {
      return new String[] {rest.substring(0, at), rest.substring(at)};
    }
    if (colon >= 0) {
      return new String[] {rest.substring(0, colon), rest.substring(colon + 1)};
    }
    return new String[] {rest, ""};
  }

  private static boolean isImagePath(Path path) {
    return Files.isRegularFile(path) || LayoutReader.isLayout(path);
  }

  /**
   * Fails for text that can only be a path (an image name never starts with {@code /}, {@code .} or
   * {@code ~}) when nothing is there, instead of reporting it as a malformed image name.
   */
  private static void requireNotAMissingPath(String text, Path base) throws IOException {
    if (!text.startsWith("/") && !text.startsWith(".") && !text.startsWith("~")) {
      return;
    }
    if (Files.isDirectory(base.resolve(text))) {
      throw notALayout(base.resolve(text));
    }
    throw new ImageNotFoundException(
        text + ": no such file or directory",
        "name an OCI archive, a docker save archive or an OCI layout directory that exists,"
            + " or an image in kiln's local store (NAME[:TAG])");
  }

  /** The error for a directory named as a layout that has no {@code index.json}. */
  static ImageNotFoundException notALayout(Path dir) {
    return new ImageNotFoundException(
        dir + " is a directory but not an OCI image layout (it has no index.json)",
        "name a directory written by kiln build --output type=oci,tar=false, skopeo or buildx;"
            + " to mean an image in kiln's store, write its full name (docker.io/library/NAME)");
  }
}
