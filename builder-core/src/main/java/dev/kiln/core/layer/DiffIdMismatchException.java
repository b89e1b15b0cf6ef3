package dev.kiln.core.layer;

import dev.kiln.registry.model.Digest;

/**
 * A layer blob whose uncompressed bytes do not hash to the diffID its image config lists: the image
 * is damaged, or forged to pass its own bytes off as another image's layer. Nothing made from such
 * a blob is kept under that diffID, since every later build naming the diffID would reuse it.
 */
public final class DiffIdMismatchException extends LayerFormatException {
  private final String image;
  private final Digest blob;
  private final Digest claimed;
  private final Digest actual;

  /**
   * @param image the image whose layer it is, as the build named it ("" when unknown)
   * @param blob the layer blob's digest
   * @param claimed the diffID the image config lists for it
   * @param actual the sha256 of its uncompressed bytes
   */
  public DiffIdMismatchException(String image, Digest blob, Digest claimed, Digest actual) {
    super(
        (image.isEmpty() ? "" : "image " + image + ": ")
            + "layer "
            + blob
            + " uncompresses to "
            + actual
            + ", but the image config lists its diffID as "
            + claimed
            + "; nothing made from it was kept");
    this.image = image;
    this.blob = blob;
    this.claimed = claimed;
    this.actual = actual;
  }

  /** What the user can do about it. */
  public String hint() {
    return "the image is damaged or forged (its config names another layer than its bytes):"
        + " pull it again from a source you trust, or use another base";
  }

  /** The image whose layer it is ("" when unknown). */
  public String image() {
    return image;
  }

  /** The layer blob's digest. */
  public Digest blob() {
    return blob;
  }

  /** The diffID the image config lists. */
  public Digest claimed() {
    return claimed;
  }

  /** What the layer's uncompressed bytes hash to. */
  public Digest actual() {
    return actual;
  }
}
