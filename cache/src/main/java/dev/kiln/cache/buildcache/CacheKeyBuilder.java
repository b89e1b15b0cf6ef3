package dev.kiln.cache.buildcache;

import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Builds the {@link CacheKey} of one build step from everything that can change its result.
 *
 * <p>Every step starts from exactly one root: the key of the step before it ({@link #after}), or,
 * for a stage's first step, the base image's manifest digest and platform ({@link #onBaseImage},
 * {@link #onScratch}), or, for a step whose result does not depend on what is below it ({@code COPY
 * --link}), nothing ({@link #standalone}): its key is its own inputs. Then come the instruction in
 * canonical form (exactly once) and whatever else it reads: the ARG/ENV values it references or
 * that reach RUN's environment ({@link #variables}, proxy variables left out by the caller),
 * heredoc bodies, mount definitions, content checksums of its inputs, and any other named setting
 * ({@link #field}).
 *
 * <p>The key is the sha256 of the parts framed by {@link FramedEncoder}: each part is its kind's
 * tag, a length and its bytes, composite parts are framed lists themselves, so no two different
 * part lists can produce the same key. Parts are hashed grouped by kind in a fixed order, keeping
 * the order in which parts of one kind were added (input order is meaningful: {@code COPY a b} is
 * not {@code COPY b a}); variables are sorted by name, so map order never matters.
 *
 * <p>Pure: no IO, no clock. Not thread-safe; build one key on one thread.
 */
public final class CacheKeyBuilder {
  /** Names the key format; changing the encoding means changing this name. */
  static final String DOMAIN = "kiln.buildcache.key.v1";

  private final KeyPart root;
  private KeyPart instruction;
  private final TreeMap<String, String> variables = new TreeMap<>(CacheKeyBuilder::compareUtf8);
  private final List<KeyPart> others = new ArrayList<>();

  private CacheKeyBuilder(KeyPart root) {
    this.root = root;
  }

  /** A step that follows the step whose key is {@code parent}. */
  public static CacheKeyBuilder after(CacheKey parent) {
    Objects.requireNonNull(parent, "parent");
    return new CacheKeyBuilder(KeyPart.ofText(KeyPart.Kind.PARENT, parent.toString()));
  }

  /**
   * The first step of a stage built on the image whose (platform-specific) manifest digest is
   * {@code manifest}, for {@code platform}.
   */
  public static CacheKeyBuilder onBaseImage(Digest manifest, Platform platform) {
    Objects.requireNonNull(manifest, "manifest");
    byte[] body =
        FramedEncoder.collecting().frame(1, manifest).frame(2, encode(platform)).toByteArray();
    return new CacheKeyBuilder(
        new KeyPart(KeyPart.Kind.BASE_IMAGE, body, manifest + " " + platform.normalize()));
  }

  /**
   * A step whose result is the same whatever it follows ({@code COPY --link}, whose layer is made
   * on nothing and put on top): keyed on its own inputs only, so any stage, after any steps, that
   * has the same instruction and inputs shares its entry.
   */
  public static CacheKeyBuilder standalone() {
    return new CacheKeyBuilder(new KeyPart(KeyPart.Kind.STANDALONE, new byte[0], "standalone"));
  }

  /** The first step of a stage built {@code FROM scratch} for {@code platform}. */
  public static CacheKeyBuilder onScratch(Platform platform) {
    return new CacheKeyBuilder(
        new KeyPart(KeyPart.Kind.SCRATCH, encode(platform), platform.normalize().toString()));
  }

  /**
   * The instruction in canonical form: flags and arguments after expansion, as the engine defines
   * it (e.g. {@code COPY --chown=1:1 src/ /app}). Exactly once per key.
   */
  public CacheKeyBuilder instruction(String canonical) {
    Objects.requireNonNull(canonical, "canonical");
    if (instruction != null) {
      throw new IllegalStateException(
          "a cache key has one instruction; already have '" + instruction.text() + "'");
    }
    instruction = KeyPart.ofText(KeyPart.Kind.INSTRUCTION, canonical);
    return this;
  }

  /**
   * ARG/ENV values the step read (name to value). May be called more than once; a name given twice
   * must have the same value.
   */
  public CacheKeyBuilder variables(Map<String, String> values) {
    values.forEach(this::variable);
    return this;
  }

  /** One ARG/ENV value the step read. */
  public CacheKeyBuilder variable(String name, String value) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value of " + name);
    String previous = variables.putIfAbsent(name, value);
    if (previous != null && !previous.equals(value)) {
      throw new IllegalArgumentException(
          "variable " + name + " given twice with different values for one cache key");
    }
    return this;
  }

  /** A heredoc the step uses: its name (e.g. {@code EOF} or the target file) and its body. */
  public CacheKeyBuilder heredoc(String name, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    byte[] framed = FramedEncoder.collecting().frame(1, name).frame(2, bytes).toByteArray();
    others.add(
        new KeyPart(
            KeyPart.Kind.HEREDOC,
            framed,
            name + " (" + bytes.length + " bytes, " + Digest.sha256(bytes).shortHex() + ")"));
    return this;
  }

  /**
   * A {@code RUN --mount} definition in canonical form (type, target, source, id, options…; never
   * the content of a cache mount or the value of a secret).
   */
  public CacheKeyBuilder mount(String canonical) {
    others.add(KeyPart.ofText(KeyPart.Kind.MOUNT, canonical));
    return this;
  }

  /**
   * A content checksum of an input, labelled with what it is, e.g. {@code ("context", sha)} for the
   * sources of a COPY or {@code ("stage:build", sha)} for {@code COPY --from=build}.
   */
  public CacheKeyBuilder input(String label, Digest checksum) {
    Objects.requireNonNull(checksum, "checksum of " + label);
    byte[] framed = FramedEncoder.collecting().frame(1, label).frame(2, checksum).toByteArray();
    others.add(new KeyPart(KeyPart.Kind.INPUT, framed, label + " " + checksum));
    return this;
  }

  /** Any other setting that changes the result (e.g. {@code ("network", "none")}). */
  public CacheKeyBuilder field(String name, String value) {
    byte[] framed = FramedEncoder.collecting().frame(1, name).frame(2, value).toByteArray();
    others.add(new KeyPart(KeyPart.Kind.FIELD, framed, name + "=" + value));
    return this;
  }

  /** The parts in the order they are hashed. */
  public List<KeyPart> parts() {
    List<KeyPart> parts = new ArrayList<>();
    parts.add(root);
    if (instruction != null) {
      parts.add(instruction);
    }
    if (!variables.isEmpty()) {
      FramedEncoder body = FramedEncoder.collecting();
      StringBuilder text = new StringBuilder();
      variables.forEach(
          (name, value) -> {
            body.frame(1, name).frame(2, value);
            text.append(text.length() == 0 ? "" : " ").append(name).append('=').append(value);
          });
      parts.add(new KeyPart(KeyPart.Kind.VARIABLES, body.toByteArray(), text.toString()));
    }
    List<KeyPart> sorted = new ArrayList<>(others);
    // Stable: parts of one kind keep the order they were added in.
    sorted.sort(Comparator.comparingInt(p -> p.kind().tag()));
    parts.addAll(sorted);
    return parts;
  }

  /**
   * The key.
   *
   * @throws IllegalStateException if no instruction was given
   */
  public CacheKey build() {
    if (instruction == null) {
      throw new IllegalStateException("a cache key needs the step's instruction");
    }
    return new CacheKey(hash(parts()));
  }

  /** The hash of {@code parts} in the given order: the definition of a key. */
  static Digest hash(List<KeyPart> parts) {
    FramedEncoder encoder = FramedEncoder.hashing(DOMAIN);
    for (KeyPart part : parts) {
      byte[] body = part.body();
      encoder.frame(part.kind().tag(), body);
    }
    return encoder.digest();
  }

  private static byte[] encode(Platform platform) {
    Platform p = platform.normalize();
    FramedEncoder e =
        FramedEncoder.collecting()
            .frame(1, p.os())
            .frame(2, p.architecture())
            .frame(3, p.variant() == null ? "" : p.variant())
            .frame(4, p.osVersion() == null ? "" : p.osVersion());
    if (p.osFeatures() != null) {
      for (String feature : p.osFeatures()) {
        e.frame(5, feature);
      }
    }
    return e.toByteArray();
  }

  private static int compareUtf8(String a, String b) {
    return java.util.Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
