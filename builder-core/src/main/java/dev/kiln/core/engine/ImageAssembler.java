package dev.kiln.core.engine;

import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.LayerRef;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the manifest for a finished stage: OCI media types by default, Docker schema 2 ones for
 * {@code oci-mediatypes=false}. A layer keeps its bytes and digest either way; only the media type
 * string follows the manifest's family, as BuildKit's exporter does.
 */
final class ImageAssembler {
  private ImageAssembler() {}

  static BuiltImage assemble(
      ImageConfig config,
      List<LayerRef> layers,
      BlobSource blobs,
      boolean ociMediaTypes,
      Map<String, String> annotations) {
    List<Descriptor> layerDescriptors = new ArrayList<>();
    for (LayerRef layer : layers) {
      Descriptor d = layer.blob();
      layerDescriptors.add(d.withMediaType(layerMediaType(d.mediaType(), ociMediaTypes)));
    }
    Descriptor configDescriptor =
        Descriptor.of(
            ociMediaTypes ? MediaType.OCI_CONFIG : MediaType.DOCKER_CONFIG,
            config.raw().digest(),
            config.raw().size());
    ImageManifest manifest =
        ImageManifest.of(
            ociMediaTypes ? MediaType.OCI_MANIFEST : MediaType.DOCKER_MANIFEST,
            configDescriptor,
            layerDescriptors);
    if (!annotations.isEmpty()) {
      manifest = manifest.withAnnotations(annotations);
    }
    return new BuiltImage(manifest, config, blobs);
  }

  static String layerMediaType(String mediaType, boolean oci) {
    boolean gzip = MediaType.isGzipLayer(mediaType);
    boolean zstd = MediaType.isZstdLayer(mediaType);
    if (MediaType.isForeignLayer(mediaType)) {
      return mediaType;
    }
    if (oci) {
      return gzip
          ? MediaType.OCI_LAYER_GZIP
          : zstd ? MediaType.OCI_LAYER_ZSTD : MediaType.OCI_LAYER;
    }
    // Docker schema 2 has no names for zstd or uncompressed layers; keep the OCI ones there.
    return gzip ? MediaType.DOCKER_LAYER_GZIP : mediaType;
  }
}
