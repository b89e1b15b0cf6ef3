package dev.kiln.api.place;

import dev.kiln.api.request.RequestException;
import dev.kiln.core.output.ImageOutput;
import java.io.IOException;
import java.util.List;

/**
 * A sink that holds one single-platform image per write: kiln's local store, an OCI layout, an OCI
 * archive, a docker archive. The writing itself is the build outputs' ({@link ImageOutput}), so a
 * copied image and a built one land in the same bytes.
 */
final class FileSink implements ImageSink {
  private final ImageOutput output;

  FileSink(ImageOutput output) {
    this.output = output;
  }

  @Override
  public String describe() {
    return output.describe();
  }

  @Override
  public WrittenImage write(LocatedImage image, List<String> names) throws IOException {
    if (image.isIndex()) {
      throw new RequestException(
          image.name() + " is a multi-platform index, and kiln writes one image to " + describe(),
          "choose one platform's image with --platform");
    }
    output.write(image.builtImage(), names);
    return new WrittenImage(image.manifest().digest(), names, List.of());
  }
}
