package dev.kiln.core.layer;

import java.io.InputStream;
import java.util.Random;

/**
 * Deterministic, compressible test content (words from a small vocabulary), generated on the fly so
 * that large entries need no memory.
 */
final class TextLikeContent extends InputStream {
  private static final String[] WORDS = {
    "layer ",
    "image ",
    "kiln ",
    "tar ",
    "digest ",
    "sha256 ",
    "gzip ",
    "registry ",
    "blob ",
    "manifest\n",
    "config ",
    "diff ",
    "0123456789 ",
    "usr/lib/x86_64-linux-gnu ",
    "ELF\u0002 "
  };

  private final Random random;
  private final long length;
  private long position;
  private byte[] word = new byte[0];
  private int wordPos;

  TextLikeContent(long length, long seed) {
    this.length = length;
    this.random = new Random(seed);
  }

  static byte[] generate(int length, long seed) {
    try (InputStream in = new TextLikeContent(length, seed)) {
      return in.readAllBytes();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (position >= length) {
      return -1;
    }
    int n = (int) Math.min(len, length - position);
    for (int i = 0; i < n; i++) {
      if (wordPos == word.length) {
        word =
            WORDS[random.nextInt(WORDS.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8);
        wordPos = 0;
      }
      b[off + i] = word[wordPos++];
    }
    position += n;
    return n;
  }
}
