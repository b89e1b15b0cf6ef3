package dev.kiln.cli.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.registry.model.ContainerConfig;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import java.io.IOException;
import java.util.List;
import java.util.TreeMap;

/**
 * What {@code kiln inspect} prints by default: one JSON object a person can read and {@code jq} can
 * query. Keys are only ever added.
 */
final class ImageSummary {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ImageSummary() {}

  /** An index: its platforms and manifests. */
  static String ofIndex(LocatedImage image) throws IOException {
    ObjectNode root = header(image);
    ArrayNode manifests = root.putArray("manifests");
    for (Descriptor d : image.index().manifests()) {
      ObjectNode m = manifests.addObject();
      m.put("digest", d.digest().toString());
      m.put("mediaType", d.mediaType());
      m.put("size", d.size());
      if (d.platform() != null) {
        m.put("platform", d.platform().toString());
      }
      if (!d.annotations().isEmpty()) {
        m.set("annotations", JSON.valueToTree(new TreeMap<>(d.annotations())));
      }
    }
    return JSON.writeValueAsString(root);
  }

  /** A single-platform image: platform, config essentials and layers. */
  static String ofImage(LocatedImage image, ImageConfig config) throws IOException {
    ObjectNode root = header(image);
    ImageManifest manifest = image.imageManifest();
    root.put("platform", config.platform().toString());
    if (config.created() != null) {
      root.put("created", config.created());
    }
    long size = manifest.raw().size() + manifest.config().size();
    for (Descriptor layer : manifest.layers()) {
      size += layer.size();
    }
    root.put("size", size);
    ContainerConfig c = config.configOrEmpty();
    ObjectNode run = root.putObject("config");
    putIfSet(run, "user", c.user());
    putIfSet(run, "workingDir", c.workingDir());
    putList(run, "entrypoint", c.entrypoint());
    putList(run, "cmd", c.cmd());
    putList(run, "env", c.env());
    putList(run, "exposedPorts", c.exposedPorts());
    putList(run, "volumes", c.volumes());
    putIfSet(run, "stopSignal", c.stopSignal());
    if (c.labels() != null && !c.labels().isEmpty()) {
      run.set("labels", JSON.valueToTree(new TreeMap<>(c.labels())));
    }
    root.put("configDigest", manifest.config().digest().toString());
    ArrayNode layers = root.putArray("layers");
    List<Descriptor> blobs = manifest.layers();
    for (int i = 0; i < blobs.size(); i++) {
      Descriptor d = blobs.get(i);
      ObjectNode l = layers.addObject();
      l.put("digest", d.digest().toString());
      l.put("mediaType", d.mediaType());
      l.put("size", d.size());
      if (i < config.diffIds().size()) {
        l.put("diffId", config.diffIds().get(i).toString());
      }
    }
    if (!manifest.annotations().isEmpty()) {
      root.set("annotations", JSON.valueToTree(new TreeMap<>(manifest.annotations())));
    }
    return JSON.writeValueAsString(root);
  }

  private static ObjectNode header(LocatedImage image) {
    ObjectNode root = JSON.createObjectNode();
    root.put("name", image.name());
    root.put("source", image.reader().describe());
    root.put("digest", image.manifest().digest().toString());
    root.put("mediaType", image.manifest().mediaType());
    return root;
  }

  private static void putIfSet(ObjectNode node, String key, String value) {
    if (value != null && !value.isEmpty()) {
      node.put(key, value);
    }
  }

  private static void putList(ObjectNode node, String key, List<String> values) {
    if (values != null) {
      ArrayNode array = node.putArray(key);
      values.forEach(array::add);
    }
  }
}
