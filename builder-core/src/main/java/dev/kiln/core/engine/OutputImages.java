package dev.kiln.core.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.LayerRef;
import dev.kiln.core.layer.LayerOptions;
import dev.kiln.core.output.ForcedCompression;
import dev.kiln.core.output.ImageAnnotations;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The images each image output holds, one per platform: its media types, its annotations ({@link
 * ImageAnnotations}) and its layers in the compression it asks for ({@link ForcedCompression}:
 * every layer with {@code force-compression}, else the layers kiln wrote when the steps wrote them
 * in another compression). Outputs asking for the same form share one set of images.
 */
final class OutputImages {
  private final BuildRequest request;
  private final ContentStore store;
  private final BuildListener listener;
  private final Clock clock;
  private final Function<OutputSpec, LayerOptions> layerOptions;
  private final LayerOptions written;
  private final Map<List<Object>, List<BuiltImage>> byForm = new HashMap<>();

  /**
   * @param layerOptions how an output's layers are written (compression, level)
   * @param firstImageOutput the output whose compression the steps wrote their layers in
   */
  OutputImages(
      BuildRequest request,
      ContentStore store,
      BuildListener listener,
      Clock clock,
      Function<OutputSpec, LayerOptions> layerOptions,
      OutputSpec firstImageOutput) {
    this.request = request;
    this.store = store;
    this.listener = listener;
    this.clock = clock;
    this.layerOptions = layerOptions;
    this.written = layerOptions.apply(firstImageOutput);
  }

  /** {@code spec}'s image of each platform, from its final state and finished config. */
  List<BuiltImage> of(
      OutputSpec spec, List<StageState> states, List<ImageConfig> configs, List<Platform> platforms)
      throws IOException {
    LayerOptions form = layerOptions.apply(spec);
    ImageAnnotations annotations = ImageAnnotations.of(request, spec);
    List<Object> key =
        List.of(
            spec.ociMediaTypes(),
            annotations,
            (spec.forceCompression() ? "force " : "") + form.recordName());
    List<BuiltImage> images = byForm.get(key);
    if (images == null) {
      images = assemble(spec, form, annotations, states, configs, platforms);
      byForm.put(key, images);
    }
    return images;
  }

  private List<BuiltImage> assemble(
      OutputSpec spec,
      LayerOptions form,
      ImageAnnotations annotations,
      List<StageState> states,
      List<ImageConfig> configs,
      List<Platform> platforms)
      throws IOException {
    boolean otherForm = !form.recordName().equals(written.recordName());
    List<BuiltImage> images = new ArrayList<>();
    for (int i = 0; i < states.size(); i++) {
      List<LayerRef> layers = states.get(i).layers();
      BlobSource blobs = states.get(i).blobs();
      if (spec.forceCompression() || otherForm) {
        ForcedCompression compression = new ForcedCompression(store, form);
        ForcedCompression.Layers converted =
            spec.forceCompression()
                ? compression.apply(layers, blobs)
                : compression.applyToWritten(layers, blobs, written);
        layers = converted.layers();
        blobs = converted.blobs();
        if (converted.recompressed() > 0) {
          listener.on(
              new BuildEvent.Note(
                  clock.instant(),
                  (spec.forceCompression() ? "force-compression: " : "compression: ")
                      + "recompressed "
                      + converted.recompressed()
                      + (converted.recompressed() == 1 ? " layer" : " layers")
                      + " to "
                      + form.recordName()
                      + " (kept in the store for the next build)"));
        }
      }
      images.add(
          ImageAssembler.assemble(
              configs.get(i),
              layers,
              blobs,
              spec.ociMediaTypes(),
              annotations.manifest(platforms.get(i))));
    }
    return images;
  }
}
