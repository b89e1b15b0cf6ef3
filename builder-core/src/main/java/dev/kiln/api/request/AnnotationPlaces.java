package dev.kiln.api.request;

import dev.kiln.registry.model.Platform;
import java.util.ArrayList;
import java.util.List;

/**
 * Refuses, before anything is built, an annotation that no output of the build has a place for, as
 * BuildKit refuses index annotations on an image that has no index. What has a place:
 *
 * <ul>
 *   <li>manifest annotations: every image output;
 *   <li>index annotations: an output that writes an index (several platforms, or attestations in a
 *       registry or OCI output);
 *   <li>manifest-descriptor annotations: the index's entries, or, for a single image, the
 *       descriptor in an OCI layout's {@code index.json};
 *   <li>index-descriptor annotations: the descriptor of the index in an OCI layout's {@code
 *       index.json}.
 * </ul>
 *
 * <p>One of {@code -o} must fit its own output; one of {@code --annotation} (for every output) must
 * fit at least one. An annotation for a platform the build does not make is refused too.
 */
final class AnnotationPlaces {
  private AnnotationPlaces() {}

  static void check(BuildRequest request) {
    List<Platform> built = new ArrayList<>();
    if (request.platforms().isEmpty()) {
      built.add(Platform.host());
    } else {
      request.platforms().forEach(p -> built.add(Platform.parse(p)));
    }
    List<OutputSpec> images = request.outputs().stream().filter(OutputSpec::isImage).toList();
    for (OutputSpec output : images) {
      for (ImageAnnotation a : output.scopedAnnotations()) {
        platformBuilt(a, built, "--output annotation");
        if (!fits(a, output, request, built.size())) {
          throw new RequestException(
              "--output annotation "
                  + a.describe()
                  + " has no place in "
                  + describe(output)
                  + ": "
                  + why(a),
              hint(a));
        }
      }
    }
    for (ImageAnnotation a : request.scopedAnnotations()) {
      platformBuilt(a, built, "--annotation");
      if (!images.isEmpty() && images.stream().noneMatch(o -> fits(a, o, request, built.size()))) {
        throw new RequestException(
            "--annotation " + a.describe() + " has no place in any output: " + why(a), hint(a));
      }
    }
  }

  private static void platformBuilt(ImageAnnotation a, List<Platform> built, String flag) {
    if (a.platform().isPresent() && built.stream().noneMatch(p -> p.matches(a.platform().get()))) {
      throw new RequestException(
          flag + " " + a.describe() + " names a platform this build does not make",
          "the build makes " + built.stream().map(Platform::toString).toList());
    }
  }

  private static boolean fits(ImageAnnotation a, OutputSpec output, BuildRequest request, int n) {
    boolean index = n > 1 || (!request.attestations().isEmpty() && keepsAttestations(output));
    boolean layout =
        output.type() == OutputSpec.Type.OCI || output.type() == OutputSpec.Type.OCI_LAYOUT;
    return switch (a.place()) {
      case MANIFEST -> true;
      case INDEX -> index;
      case MANIFEST_DESCRIPTOR -> index || layout;
      case INDEX_DESCRIPTOR -> index && layout;
    };
  }

  /** The outputs that keep attestations beside the image, in an index (as the engine's do). */
  private static boolean keepsAttestations(OutputSpec output) {
    return output.push()
        || output.type() == OutputSpec.Type.OCI
        || output.type() == OutputSpec.Type.OCI_LAYOUT;
  }

  private static String describe(OutputSpec output) {
    return output.push()
        ? "a push"
        : "type=" + output.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private static String why(ImageAnnotation a) {
    return switch (a.place()) {
      case INDEX -> "this build makes a single image, with no index";
      case MANIFEST_DESCRIPTOR ->
          "a single image has no index, and only an OCI layout's index.json holds its descriptor";
      case INDEX_DESCRIPTOR ->
          "only an OCI layout's index.json holds the descriptor of an index, and only when the"
              + " build makes one";
      case MANIFEST -> "";
    };
  }

  private static String hint(ImageAnnotation a) {
    return switch (a.place()) {
      case INDEX, INDEX_DESCRIPTOR ->
          "build several --platform values (or add --sbom/--provenance) for an index, or annotate"
              + " the manifest instead (annotation-manifest.KEY=V, --annotation manifest:KEY=V)";
      default -> "annotate the manifest instead (--annotation manifest:KEY=V), or write type=oci";
    };
  }
}
