package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One entry of the config's {@code history}: what made a layer (or an empty, config-only step).
 *
 * @param created RFC 3339 timestamp as written, kept as text so it round-trips exactly
 * @param emptyLayer true for steps that added no layer (ENV, CMD…); null when not written
 */
public record History(
    String created,
    String createdBy,
    String author,
    String comment,
    Boolean emptyLayer,
    Map<String, JsonNode> extra) {

  public History {
    extra = ExtraFields.freeze(extra);
  }

  public static History of(String created, String createdBy, boolean emptyLayer) {
    return new History(created, createdBy, null, null, emptyLayer ? Boolean.TRUE : null, null);
  }

  /** Whether this entry has a layer in {@code rootfs.diff_ids}. */
  public boolean hasLayer() {
    return !Boolean.TRUE.equals(emptyLayer);
  }

  static History read(JsonObjectReader r) {
    return new History(
        r.text("created"),
        r.text("created_by"),
        r.text("author"),
        r.text("comment"),
        r.bool("empty_layer"),
        r.remaining());
  }

  JsonObjectWriter write() {
    return new JsonObjectWriter()
        .text("created", created)
        .text("created_by", createdBy)
        .text("author", author)
        .text("comment", comment)
        .bool("empty_layer", emptyLayer)
        .extra(extra);
  }
}
