package dev.kiln.core.push;

import dev.kiln.core.image.BuiltImage;
import dev.kiln.registry.model.Digest;
import java.util.List;

/**
 * An image {@link LayoutPusher} pushed.
 *
 * @param image the image as read from the layout (manifest and config with their exact bytes)
 * @param pushed every reference pushed, with digest ({@code repo:tag@sha256:…})
 */
public record PushedImage(BuiltImage image, List<String> pushed) {
  public PushedImage {
    pushed = List.copyOf(pushed);
  }

  public Digest digest() {
    return image.digest();
  }
}
