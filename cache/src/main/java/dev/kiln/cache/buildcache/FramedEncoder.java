package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Digest;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * A self-delimiting encoding for hashing structured values: each frame is a tag byte, a 4-byte
 * big-endian length and that many bytes. Because every frame says what it is and where it ends, two
 * different frame lists never produce the same byte stream, so {@code ["ab","c"]} and {@code
 * ["a","bc"]}, or a variable and an instruction with the same text, never hash alike.
 *
 * <p>An encoder either hashes its frames ({@link #hashing}, started with a domain frame so that
 * digests made for different purposes cannot coincide) or collects them ({@link #collecting}), to
 * be nested as the body of an outer frame. Not thread-safe; one value is encoded by one thread.
 */
public final class FramedEncoder {
  private static final int DOMAIN_TAG = 0xff;

  private final MessageDigest hash;
  private final ByteArrayOutputStream bytes;
  private final byte[] header = new byte[5];

  private FramedEncoder(MessageDigest hash, ByteArrayOutputStream bytes) {
    this.hash = hash;
    this.bytes = bytes;
  }

  /** An encoder whose frames go into a sha256, after a first frame naming {@code domain}. */
  public static FramedEncoder hashing(String domain) {
    FramedEncoder e = new FramedEncoder(Digest.newSha256(), null);
    byte[] name = domain.getBytes(StandardCharsets.UTF_8);
    e.append(DOMAIN_TAG, name, 0, name.length);
    return e;
  }

  /** An encoder that collects its frames, e.g. for the body of an outer frame. */
  public static FramedEncoder collecting() {
    return new FramedEncoder(null, new ByteArrayOutputStream());
  }

  /** Appends one frame. {@code tag} is 0 to 254 (255 marks the domain frame). */
  public FramedEncoder frame(int tag, byte[] body) {
    return frame(tag, body, 0, body.length);
  }

  /** Appends one frame of {@code length} bytes of {@code body} from {@code offset}. */
  public FramedEncoder frame(int tag, byte[] body, int offset, int length) {
    if (tag < 0 || tag >= DOMAIN_TAG) {
      throw new IllegalArgumentException("frame tag out of range 0..254: " + tag);
    }
    append(tag, body, offset, length);
    return this;
  }

  private void append(int tag, byte[] body, int offset, int length) {
    header[0] = (byte) tag;
    header[1] = (byte) (length >>> 24);
    header[2] = (byte) (length >>> 16);
    header[3] = (byte) (length >>> 8);
    header[4] = (byte) length;
    write(header, 0, 5);
    write(body, offset, length);
  }

  /** Appends a frame holding the UTF-8 bytes of {@code text}. */
  public FramedEncoder frame(int tag, String text) {
    return frame(tag, text.getBytes(StandardCharsets.UTF_8));
  }

  /** Appends a frame holding {@code value} as 8 big-endian bytes. */
  public FramedEncoder frame(int tag, long value) {
    byte[] b = new byte[8];
    for (int i = 7; i >= 0; i--) {
      b[i] = (byte) value;
      value >>>= 8;
    }
    return frame(tag, b);
  }

  /** Appends a frame holding the text form of {@code digest} ({@code sha256:…}). */
  public FramedEncoder frame(int tag, Digest digest) {
    return frame(tag, digest.toString());
  }

  private void write(byte[] b, int offset, int length) {
    if (hash != null) {
      hash.update(b, offset, length);
    } else {
      bytes.write(b, offset, length);
    }
  }

  /** The sha256 of everything framed so far (a hashing encoder only; ends its use). */
  public Digest digest() {
    if (hash == null) {
      throw new IllegalStateException("a collecting encoder has no digest; use toByteArray()");
    }
    return Digest.ofSha256(hash.digest());
  }

  /** The frames collected so far (a collecting encoder only). */
  public byte[] toByteArray() {
    if (bytes == null) {
      throw new IllegalStateException("a hashing encoder keeps no bytes; use digest()");
    }
    return bytes.toByteArray();
  }
}
