package dev.kiln.core.output;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.ImageAnnotation;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Platform;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The annotations one image output writes, from {@code --annotation} and its own {@code -o
 * annotation…} keys (the output's win on the same key): on each platform's manifest, on the index,
 * on the index's entries, and on the descriptor an OCI layout's {@code index.json} holds. Where
 * each may go was checked before the build ({@code api.request.AnnotationPlaces}).
 *
 * @param everyManifest annotations of every platform's manifest
 * @param scoped the others, in the order given (a later one wins on the same key)
 */
public record ImageAnnotations(Map<String, String> everyManifest, List<ImageAnnotation> scoped) {
  public ImageAnnotations {
    everyManifest = Map.copyOf(everyManifest);
    scoped = List.copyOf(scoped);
  }

  /** What {@code spec} writes in a build of {@code request}. */
  public static ImageAnnotations of(BuildRequest request, OutputSpec spec) {
    Map<String, String> manifest = new LinkedHashMap<>(request.annotations());
    manifest.putAll(spec.annotations());
    List<ImageAnnotation> scoped = new ArrayList<>(request.scopedAnnotations());
    scoped.addAll(spec.scopedAnnotations());
    return new ImageAnnotations(manifest, scoped);
  }

  /** The manifest annotations of {@code platform}'s image. */
  public Map<String, String> manifest(Platform platform) {
    Map<String, String> all = new LinkedHashMap<>(everyManifest);
    all.putAll(of(ImageAnnotation.Place.MANIFEST, platform));
    return all;
  }

  /** The annotations of the index. */
  public Map<String, String> index() {
    return of(ImageAnnotation.Place.INDEX, null);
  }

  /**
   * The annotations of the descriptors in a layout's {@code index.json}: of a single image ({@code
   * platform}'s), or of the index.
   */
  public DescriptorAnnotations descriptors(Platform single) {
    return new DescriptorAnnotations(
        of(ImageAnnotation.Place.MANIFEST_DESCRIPTOR, single),
        of(ImageAnnotation.Place.INDEX_DESCRIPTOR, null));
  }

  /**
   * {@code index} with the index annotations and, on each entry of an image of {@code images}
   * (whose platforms are {@code platforms}), that platform's manifest-descriptor annotations.
   */
  public BuiltIndex annotate(BuiltIndex index, List<BuiltImage> images, List<Platform> platforms) {
    Map<String, String> indexAnnotations = index();
    boolean descriptors =
        scoped.stream().anyMatch(a -> a.place() == ImageAnnotation.Place.MANIFEST_DESCRIPTOR);
    if (indexAnnotations.isEmpty() && !descriptors) {
      return index;
    }
    List<Descriptor> entries = new ArrayList<>();
    for (Descriptor d : index.index().manifests()) {
      int i = indexOf(images, d);
      Map<String, String> more =
          i < 0 ? Map.of() : of(ImageAnnotation.Place.MANIFEST_DESCRIPTOR, platforms.get(i));
      if (more.isEmpty()) {
        entries.add(d);
      } else {
        Map<String, String> all = new LinkedHashMap<>(d.annotations());
        all.putAll(more);
        entries.add(d.withAnnotations(all));
      }
    }
    var annotated = index.index().withManifests(entries);
    if (!indexAnnotations.isEmpty()) {
      Map<String, String> all = new LinkedHashMap<>(annotated.annotations());
      all.putAll(indexAnnotations);
      annotated = annotated.withAnnotations(all);
    }
    return new BuiltIndex(annotated, index.images());
  }

  private static int indexOf(List<BuiltImage> images, Descriptor d) {
    for (int i = 0; i < images.size(); i++) {
      if (images.get(i).digest().equals(d.digest())) {
        return i;
      }
    }
    return -1;
  }

  /** The annotations of {@code place} for {@code platform} (null: any), later ones winning. */
  private Map<String, String> of(ImageAnnotation.Place place, Platform platform) {
    Map<String, String> all = new LinkedHashMap<>();
    for (ImageAnnotation a : scoped) {
      if (a.place() == place
          && (a.platform().isEmpty()
              || (platform != null && a.platform().get().matches(platform)))) {
        all.put(a.key(), a.value());
      }
    }
    return all;
  }
}
