package dev.kiln.core.engine;

import dev.kiln.cache.buildcache.CacheResult;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.cache.buildcache.FramedEncoder;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a stage holds between two steps, as the next step's key reads it: its layers (by diffID) and
 * its config, without the times its steps were recorded at.
 *
 * <p>The identity is a chain: a stage starts from the digest of its base's config, and each step
 * adds what it recorded (the diffIDs of its layers, its config change, its history entry without
 * {@code created}). So a key costs the size of the step, not of the config below it (the config of
 * 2,000 LABEL lines is hashed once, not 2,000 times), and a step recorded again at another time
 * (under {@code --no-cache-filter}, or by another stage that shares it) leaves every later key as
 * it was, while one that recorded different content changes them all. Equal identities mean equal
 * layers and configs, times aside: the chain fixes each step's content on top of the one before.
 */
final class StateIdentity {
  private static final String DOMAIN = "kiln.stage-identity.v1";

  private StateIdentity() {}

  /** The identity of a stage that starts from {@code config} (a base image's, or scratch). */
  static Digest of(ImageConfig config) {
    return FramedEncoder.hashing(DOMAIN).frame(1, config.raw().digest()).digest();
  }

  /**
   * The identity after a deterministic change of the config (named by {@code change}) that follows
   * from the config alone, such as adding the default {@code PATH}.
   */
  static Digest derived(Digest before, String change) {
    return FramedEncoder.hashing(DOMAIN).frame(2, before).frame(3, change).digest();
  }

  /** The identity after a step that recorded {@code result} on a stage whose identity is before. */
  static Digest after(Digest before, CacheResult result) {
    return FramedEncoder.hashing(DOMAIN).frame(2, before).frame(4, content(result)).digest();
  }

  /** Whether two results of one step hold the same layers and config change, times aside. */
  static boolean sameContent(CacheResult a, CacheResult b) {
    return content(a).equals(content(b));
  }

  /** A result without its times: diffIDs, the config change, the history entry but created. */
  private static Digest content(CacheResult result) {
    FramedEncoder e = FramedEncoder.hashing(DOMAIN + ".step");
    for (CachedLayer layer : result.layers()) {
      e.frame(1, layer.diffId());
    }
    History h = result.history();
    e.frame(2, text(h.createdBy())).frame(3, text(h.author())).frame(4, text(h.comment()));
    e.frame(5, h.emptyLayer() == null ? "" : h.emptyLayer().toString());
    Map<String, String> extra = new TreeMap<>();
    h.extra().forEach((name, value) -> extra.put(name, value.toString()));
    extra.forEach((name, value) -> e.frame(6, name).frame(7, value));
    e.frame(8, ConfigDelta.withoutTimes(result.configChange()));
    return e.digest();
  }

  private static String text(String value) {
    return value == null ? "\u0000" : value;
  }
}
