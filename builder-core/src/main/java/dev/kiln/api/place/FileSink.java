package dev.kiln.api.place;

import dev.kiln.api.request.RequestException;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.core.output.DockerArchiveWriter;
import dev.kiln.core.output.ImageOutput;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A sink that holds images as files: kiln's local store, an OCI layout, an OCI archive (each takes
 * a whole multi-platform index too), a docker archive (one image). The writing itself is the build
 * outputs' ({@link ImageOutput}), so a copied image and a built one land in the same bytes.
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
    if (!image.isIndex()) {
      output.write(image.builtImage(), names);
      return new WrittenImage(image.manifest().digest(), names, List.of());
    }
    if (output instanceof DockerArchiveWriter) {
      throw new RequestException(
          image.name() + " is a multi-platform index, and a docker archive holds one image",
          "choose one platform's image with --platform, or write an OCI archive (oci-archive:FILE)");
    }
    List<BuiltImage> images = new ArrayList<>();
    for (Descriptor d : image.index().manifests()) {
      LocatedImage child = image.child(d);
      if (child.isIndex()) {
        throw new RequestException(
            image.name() + " is an index of indexes, which kiln cannot write whole",
            "choose one platform's image with --platform");
      }
      images.add(child.builtImage());
    }
    output.writeIndex(new BuiltIndex(image.index(), images), names);
    return new WrittenImage(image.manifest().digest(), names, List.of());
  }
}
