package dev.kiln.api.place;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.core.output.TagNames;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The name an image has in an OCI layout or archive, as podman and containerd read it: the {@code
 * io.containerd.image.name} annotation (BuildKit, Docker 25+ and kiln write the whole reference
 * there), else an {@code org.opencontainers.image.ref.name} that is a whole reference (a {@code
 * docker save} archive's {@code RepoTags}, skopeo's {@code oci:DIR:REGISTRY/NAME:TAG}). A bare
 * {@code ref.name} is only a tag: it says no repository, and kiln does not invent one (podman makes
 * {@code localhost/TAG:latest} of it).
 */
final class ArchiveNames {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_MANIFEST_JSON = 16 << 20;

  private ArchiveNames() {}

  /** The whole reference a descriptor of {@code index.json} names, if it names one. */
  static Optional<String> fullName(JsonNode descriptor) {
    JsonNode annotations = descriptor.path("annotations");
    String containerd = annotations.path(TagNames.CONTAINERD_NAME).asText("");
    if (!containerd.isEmpty()) {
      return parse(containerd);
    }
    String refName = annotations.path(LayoutReader.REF_NAME).asText("");
    if (refName.contains("/") || refName.contains(":") || refName.contains("@")) {
      return parse(refName);
    }
    return Optional.empty();
  }

  /** The {@code ref.name} of a descriptor that has no whole name: a tag, if any. */
  static Optional<String> bareTag(JsonNode descriptor) {
    String refName = descriptor.path("annotations").path(LayoutReader.REF_NAME).asText("");
    return refName.isEmpty() || fullName(descriptor).isPresent()
        ? Optional.empty()
        : Optional.of(refName);
  }

  /**
   * The {@code RepoTags} of a {@code docker save} archive's {@code manifest.json} (kept beside an
   * OCI layout since Docker 25, and in kiln's docker archives), by config digest: the names Docker
   * itself loads, for archives whose {@code index.json} has tags only.
   */
  static Map<String, List<String>> repoTagsByConfig(Path layoutDir) throws IOException {
    Path manifest = layoutDir.resolve("manifest.json");
    Map<String, List<String>> byConfig = new HashMap<>();
    if (!Files.isRegularFile(manifest) || Files.size(manifest) > MAX_MANIFEST_JSON) {
      return byConfig;
    }
    JsonNode images;
    try {
      images = JSON.readTree(manifest.toFile());
    } catch (IOException e) {
      return byConfig; // index.json is what kiln reads; this only adds names
    }
    for (JsonNode image : images) {
      String config = image.path("Config").asText("");
      int slash = config.lastIndexOf('/');
      if (!config.startsWith("blobs/") || slash < 0) {
        continue;
      }
      String digest =
          config.substring("blobs/".length(), slash) + ":" + config.substring(slash + 1);
      for (JsonNode tag : image.path("RepoTags")) {
        parse(tag.asText(""))
            .ifPresent(name -> byConfig.computeIfAbsent(digest, d -> new ArrayList<>()).add(name));
      }
    }
    return byConfig;
  }

  private static Optional<String> parse(String text) {
    try {
      ImageReference ref = ImageReference.parse(text);
      if (ref.digest() != null && ref.tag() == null) {
        return Optional.empty(); // a digest names no image a store could be asked for by name
      }
      return Optional.of(ref.repositoryOnly().withTag(ref.tagOrDefault()).toString());
    } catch (InvalidReferenceException e) {
      return Optional.empty();
    }
  }
}
