package dev.kiln.core.attest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Digest;
import java.io.IOException;
import java.util.List;

/**
 * An in-toto statement (v0.1, the version BuildKit writes and its readers expect): the subjects it
 * is about, by name and sha256, and a typed predicate.
 *
 * @param subjectNames names for the subject ({@code pkg:docker/…} package URLs of the image's
 *     names); the digest is the same for each
 */
public record InTotoStatement(
    List<String> subjectNames, Digest subject, String predicateType, JsonNode predicate) {
  public static final String TYPE = "https://in-toto.io/Statement/v0.1";
  public static final String MEDIA_TYPE = "application/vnd.in-toto+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  public InTotoStatement {
    subjectNames = subjectNames.isEmpty() ? List.of("_") : List.copyOf(subjectNames);
  }

  public byte[] bytes() {
    ObjectNode root = JSON.createObjectNode();
    root.put("_type", TYPE);
    root.put("predicateType", predicateType);
    ArrayNode subjects = root.putArray("subject");
    for (String name : subjectNames) {
      ObjectNode s = subjects.addObject();
      s.put("name", name);
      s.putObject("digest").put(subject.algorithm(), subject.hex());
    }
    root.set("predicate", predicate);
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }
}
