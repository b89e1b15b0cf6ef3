package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The config's {@code rootfs}: the uncompressed digests (DiffIDs) of the layers, in order.
 *
 * @param type always {@code layers} in current images
 */
public record RootFs(String type, List<Digest> diffIds, Map<String, JsonNode> extra) {
  public RootFs {
    type = type == null ? "layers" : type;
    diffIds = diffIds == null ? List.of() : List.copyOf(diffIds);
    extra = ExtraFields.freeze(extra);
  }

  public static RootFs of(List<Digest> diffIds) {
    return new RootFs("layers", diffIds, null);
  }

  /** This rootfs with one more layer on top. */
  public RootFs plus(Digest diffId) {
    List<Digest> more = new ArrayList<>(diffIds);
    more.add(diffId);
    return new RootFs(type, more, extra);
  }

  static RootFs read(JsonObjectReader r) {
    String type = r.text("type");
    List<String> ids = r.stringList("diff_ids");
    List<Digest> digests = new ArrayList<>();
    if (ids != null) {
      for (int i = 0; i < ids.size(); i++) {
        try {
          digests.add(Digest.parse(ids.get(i)));
        } catch (IllegalArgumentException e) {
          throw new MalformedDocumentException(
              r.path() + ".diff_ids[" + i + "]: " + e.getMessage(), e);
        }
      }
    }
    return new RootFs(type, digests, r.remaining());
  }

  JsonObjectWriter write() {
    return new JsonObjectWriter()
        .text("type", type)
        .stringList("diff_ids", diffIds.stream().map(Digest::toString).toList())
        .extra(extra);
  }
}
