package dev.kiln.cache.buildcache;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One input of a cache key: what kind of input it is and its encoded bytes. The key is the hash of
 * the framed parts, each framed as its kind's tag, its length and its bytes ({@link
 * FramedEncoder}).
 *
 * @param kind what the input is
 * @param body the input's bytes (itself a framed list for composite inputs)
 * @param text a readable form for logs ({@code --debug} "why did this step miss?"); not hashed
 */
public record KeyPart(Kind kind, byte[] body, String text) {
  /** The kinds of key input. The tags are part of every stored key: never renumber them. */
  public enum Kind {
    PARENT(1),
    BASE_IMAGE(2),
    SCRATCH(3),
    INSTRUCTION(4),
    VARIABLES(5),
    HEREDOC(6),
    MOUNT(7),
    INPUT(8),
    FIELD(9),
    STANDALONE(10);

    private final int tag;

    Kind(int tag) {
      this.tag = tag;
    }

    /** The frame tag of this kind. */
    public int tag() {
      return tag;
    }
  }

  public KeyPart {
    Objects.requireNonNull(kind, "kind");
    body = body.clone();
    Objects.requireNonNull(text, "text");
  }

  /** A copy of the encoded bytes. */
  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KeyPart other && kind == other.kind && Arrays.equals(body, other.body);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    String shown = text.isEmpty() ? HexFormat.of().formatHex(body) : text;
    return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + shown;
  }

  static KeyPart ofText(Kind kind, String value) {
    return new KeyPart(kind, value.getBytes(StandardCharsets.UTF_8), value);
  }
}
