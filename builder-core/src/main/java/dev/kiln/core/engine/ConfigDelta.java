package dev.kiln.core.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.cache.buildcache.CacheResult;
import dev.kiln.cache.buildcache.CachedLayer;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.History;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.RootFs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one step changed in the image config, as a cache entry records it. Storing the whole config
 * after each step made the store grow with the square of the number of steps (each of 8,000 LABEL
 * lines stored all labels and all history so far: 5.6 GB); a delta keeps each entry as small as its
 * step.
 *
 * <p>The delta leaves out what the entry records anyway (the step's history entry, the diffIDs of
 * its layers; both are appended to the parent's) and holds a JSON merge patch (RFC 7386) of the
 * rest, with {@code config.Env} as set/remove operations by variable name, since a patch would
 * replace the whole array. A step's key covers its parent's key, so on a hit the parent's config is
 * the one the delta was computed against. The delta is checked when it is made: applied to the
 * parent it must give the step's config byte for byte, or the entry records the whole config
 * instead ({@code {"full": base64}}).
 */
final class ConfigDelta {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ConfigDelta() {}

  /**
   * The delta from {@code before} to {@code after}, a step that added {@code history}/layers.
   *
   * <p>The check that {@link #apply} gives {@code after} byte for byte is done without applying:
   * the patch replayed on {@code before}'s tree must give {@code after}'s, the history and diffIDs
   * must be {@code before}'s plus this step's, and {@code after} must be written as kiln's model
   * writes a config (what {@link #apply} writes). Each of those costs one pass over the config
   * where applying cost several parses and serialisations, for every step a build runs.
   */
  static byte[] between(
      ImageConfig before, ImageConfig after, History history, List<Digest> addedDiffIds) {
    ObjectNode b = stripped(before);
    ObjectNode a = stripped(after);
    ObjectNode delta = candidate(b.deepCopy(), a.deepCopy());
    byte[] bytes = write(delta);
    try {
      patch(b, delta);
      if (b.equals(a)
          && sameTail(before, after, history, addedDiffIds)
          && Arrays.equals(
              after.toBuilder().build().raw().toByteArray(), after.raw().toByteArray())) {
        return bytes;
      }
    } catch (RuntimeException e) {
      // Not expressible as a delta (a JSON null, duplicate variables…): record it whole.
    }
    ObjectNode full = NODES.objectNode();
    full.put("full", Base64.getEncoder().encodeToString(after.raw().toByteArray()));
    return write(full);
  }

  /**
   * The config after a run of cached steps whose recorded results are {@code steps}, in order, on
   * top of {@code before}: byte for byte what applying each with {@link #apply} gives, with one
   * parse and one serialisation of the config for the whole run instead of several per step.
   */
  static ImageConfig applyAll(ImageConfig before, List<CacheResult> steps) {
    if (steps.isEmpty()) {
      return before;
    }
    ImageConfig base = before;
    ObjectNode tree = null;
    List<History> histories = new ArrayList<>();
    List<Digest> diffIds = new ArrayList<>();
    for (CacheResult step : steps) {
      List<Digest> added = step.layers().stream().map(CachedLayer::diffId).toList();
      JsonNode d = read(step.configChange());
      if (d.has("full")) {
        // A whole config: it replaces everything before it.
        base = ImageConfig.parse(Base64.getDecoder().decode(d.get("full").asText()));
        tree = null;
        histories.clear();
        diffIds.clear();
        continue;
      }
      if (tree == null) {
        tree = stripped(base);
        histories.addAll(base.history() == null ? List.of() : base.history());
        diffIds.addAll(base.diffIds());
      }
      patch(tree, d);
      histories.add(step.history());
      diffIds.addAll(added);
    }
    if (tree == null) {
      return base;
    }
    return withHistory(ImageConfig.parse(write(tree)), base, histories, diffIds);
  }

  /** The config after a step whose recorded delta is {@code delta}, on top of {@code before}. */
  static ImageConfig apply(
      ImageConfig before, byte[] delta, History history, List<Digest> addedDiffIds) {
    JsonNode d = read(delta);
    if (d.has("full")) {
      return ImageConfig.parse(Base64.getDecoder().decode(d.get("full").asText()));
    }
    ObjectNode tree = stripped(before);
    patch(tree, d);
    List<History> histories =
        new ArrayList<>(before.history() == null ? List.of() : before.history());
    histories.add(history);
    List<Digest> diffIds = new ArrayList<>(before.diffIds());
    diffIds.addAll(addedDiffIds);
    return withHistory(ImageConfig.parse(write(tree)), before, histories, diffIds);
  }

  /** Applies a recorded patch and its Env operations to {@code tree}, in place. */
  private static void patch(ObjectNode tree, JsonNode d) {
    JsonNode patch = d.path("patch");
    if (patch.isObject()) {
      merge(tree, (ObjectNode) patch);
    }
    if (d.has("env")) {
      ObjectNode config = tree.get("config") instanceof ObjectNode c ? c : tree.putObject("config");
      config.set("Env", applyEnv(config.get("Env"), (ArrayNode) d.get("env")));
    }
  }

  /** {@code patched} with {@code histories} and {@code diffIds}, rootfs typed as {@code base}'s. */
  private static ImageConfig withHistory(
      ImageConfig patched, ImageConfig base, List<History> histories, List<Digest> diffIds) {
    RootFs rootfs =
        base.rootfs() == null
            ? RootFs.of(diffIds)
            : new RootFs(base.rootfs().type(), diffIds, base.rootfs().extra());
    return patched.toBuilder().history(histories).rootfs(rootfs).build();
  }

  /** Whether {@code delta} records a whole config rather than a change to its parent's. */
  static boolean isWhole(byte[] delta) {
    return read(delta).has("full");
  }

  /**
   * {@code delta} without times, for a stage's identity: a patch as it is (it holds no history, and
   * steps leave the config's own {@code created} unset), a whole config without its {@code created}
   * fields.
   */
  static byte[] withoutTimes(byte[] delta) {
    JsonNode d = read(delta);
    if (!d.has("full")) {
      return delta;
    }
    ObjectNode config = (ObjectNode) read(Base64.getDecoder().decode(d.get("full").asText()));
    config.remove("created");
    if (config.get("history") instanceof ArrayNode history) {
      history.forEach(
          h -> {
            if (h instanceof ObjectNode entry) {
              entry.remove("created");
            }
          });
    }
    return write(config);
  }

  /**
   * Whether {@code after}'s history, diffIDs and rootfs are what {@link #apply} makes of {@code
   * before}'s and the step's.
   */
  private static boolean sameTail(
      ImageConfig before, ImageConfig after, History history, List<Digest> addedDiffIds) {
    List<History> histories =
        new ArrayList<>(before.history() == null ? List.of() : before.history());
    histories.add(history);
    List<Digest> diffIds = new ArrayList<>(before.diffIds());
    diffIds.addAll(addedDiffIds);
    RootFs rootfs =
        before.rootfs() == null
            ? RootFs.of(diffIds)
            : new RootFs(before.rootfs().type(), diffIds, before.rootfs().extra());
    return histories.equals(after.history()) && rootfs.equals(after.rootfs());
  }

  /** A delta turning tree {@code b} into tree {@code a} (both are changed: Env is taken out). */
  private static ObjectNode candidate(ObjectNode b, ObjectNode a) {
    ObjectNode delta = NODES.objectNode();
    JsonNode bEnv = b.path("config").get("Env");
    JsonNode aEnv = a.path("config").get("Env");
    ArrayNode envOps = envOperations(bEnv, aEnv);
    if (envOps != null) {
      if (b.get("config") instanceof ObjectNode c) {
        c.remove("Env");
      }
      if (a.get("config") instanceof ObjectNode c) {
        c.remove("Env");
      }
      if (!envOps.isEmpty()) {
        delta.set("env", envOps);
      }
    }
    delta.set("patch", diff(b, a));
    return delta;
  }

  /** The config without the parts every entry records on its own. */
  private static ObjectNode stripped(ImageConfig config) {
    ObjectNode tree = (ObjectNode) read(config.raw().toByteArray());
    tree.remove("history");
    tree.remove("rootfs");
    return tree;
  }

  /** RFC 7386: the patch that turns {@code from} into {@code to}. */
  private static ObjectNode diff(ObjectNode from, ObjectNode to) {
    ObjectNode patch = NODES.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = to.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode old = from.get(field.getKey());
      JsonNode now = field.getValue();
      if (now.isNull()) {
        throw new IllegalArgumentException("a merge patch cannot set a JSON null");
      }
      if (old instanceof ObjectNode o && now instanceof ObjectNode n) {
        ObjectNode inner = diff(o, n);
        if (!inner.isEmpty()) {
          patch.set(field.getKey(), inner);
        }
      } else if (!now.equals(old)) {
        patch.set(field.getKey(), now);
      }
    }
    for (Iterator<String> it = from.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!to.has(name)) {
        patch.putNull(name);
      }
    }
    return patch;
  }

  /** RFC 7386: applies {@code patch} to {@code target} in place. */
  private static void merge(ObjectNode target, ObjectNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (value.isNull()) {
        target.remove(field.getKey());
      } else if (value instanceof ObjectNode p) {
        JsonNode existing = target.get(field.getKey());
        ObjectNode into = existing instanceof ObjectNode o ? o : target.putObject(field.getKey());
        merge(into, p);
      } else {
        target.set(field.getKey(), value);
      }
    }
  }

  /**
   * {@code [[name, "name=value"], [name, null]…]} turning {@code from} into {@code to}: set in
   * place or append, remove. Null when that cannot express the change (not string arrays, duplicate
   * names), then the patch carries the whole array.
   */
  private static ArrayNode envOperations(JsonNode from, JsonNode to) {
    Map<String, String> before = envMap(from);
    Map<String, String> after = envMap(to);
    if (before == null || after == null) {
      return null;
    }
    ArrayNode ops = NODES.arrayNode();
    for (Map.Entry<String, String> e : after.entrySet()) {
      if (!e.getValue().equals(before.get(e.getKey()))) {
        ops.addArray().add(e.getKey()).add(e.getValue());
      }
    }
    for (String name : before.keySet()) {
      if (!after.containsKey(name)) {
        ops.addArray().add(name).addNull();
      }
    }
    JsonNode replayed = applyEnv(from, ops);
    JsonNode expected = to == null ? NODES.arrayNode() : to;
    return replayed.equals(expected) && (to != null || from == null) ? ops : null;
  }

  private static Map<String, String> envMap(JsonNode env) {
    Map<String, String> map = new LinkedHashMap<>();
    if (env == null) {
      return map;
    }
    if (!env.isArray()) {
      return null;
    }
    Set<String> seen = new HashSet<>();
    for (JsonNode entry : env) {
      if (!entry.isTextual()) {
        return null;
      }
      String name = name(entry.textValue());
      if (!seen.add(name)) {
        return null;
      }
      map.put(name, entry.textValue());
    }
    return map;
  }

  private static ArrayNode applyEnv(JsonNode from, ArrayNode ops) {
    List<String> env = new ArrayList<>();
    if (from != null && from.isArray()) {
      from.forEach(e -> env.add(e.asText()));
    }
    for (JsonNode op : ops) {
      String name = op.get(0).asText();
      JsonNode value = op.get(1);
      int at = -1;
      for (int i = 0; i < env.size(); i++) {
        if (name(env.get(i)).equals(name)) {
          at = i;
          break;
        }
      }
      if (value.isNull()) {
        if (at >= 0) {
          env.remove(at);
        }
      } else if (at >= 0) {
        env.set(at, value.asText());
      } else {
        env.add(value.asText());
      }
    }
    ArrayNode out = NODES.arrayNode();
    env.forEach(out::add);
    return out;
  }

  private static String name(String entry) {
    int eq = entry.indexOf('=');
    return eq < 0 ? entry : entry.substring(0, eq);
  }

  private static JsonNode read(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException("not a config or config delta: " + e.getMessage(), e);
    }
  }

  private static byte[] write(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
