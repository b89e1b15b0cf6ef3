package dev.kiln.core.output;

import dev.kiln.registry.model.Descriptor;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The annotations an OCI layout's {@code index.json} puts on the descriptor it points with:
 * buildx's {@code manifest-descriptor} annotations when it points at one image, {@code
 * index-descriptor} ones when it points at an index.
 *
 * @param manifest for the descriptor of a single image
 * @param index for the descriptor of an index
 */
public record DescriptorAnnotations(Map<String, String> manifest, Map<String, String> index) {
  /** None of either. */
  public static final DescriptorAnnotations NONE = new DescriptorAnnotations(Map.of(), Map.of());

  public DescriptorAnnotations {
    manifest = Map.copyOf(manifest);
    index = Map.copyOf(index);
  }

  Descriptor ofManifest(Descriptor d) {
    return with(d, manifest);
  }

  Descriptor ofIndex(Descriptor d) {
    return with(d, index);
  }

  private static Descriptor with(Descriptor d, Map<String, String> more) {
    if (more.isEmpty()) {
      return d;
    }
    Map<String, String> all = new LinkedHashMap<>(d.annotations());
    all.putAll(more);
    return d.withAnnotations(all);
  }
}
