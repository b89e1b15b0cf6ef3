package dev.kiln.core.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.registry.model.Descriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --output type=docker,dest=FILE}: a tar that {@code docker load} and {@code podman load}
 * accept. It has the layout of a modern {@code docker save}: the blobs and {@code index.json} of an
 * OCI layout, plus the {@code manifest.json} older loaders read ({@code Config}, {@code RepoTags},
 * {@code Layers} as paths into {@code blobs/}). Loaders decompress gzip layers themselves, so the
 * blobs are the same ones a registry gets.
 */
public final class DockerArchiveWriter implements ImageOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dest;
  private final OutputStream stdout;

  public DockerArchiveWriter(Path dest, OutputStream stdout) {
    this.dest = dest;
    this.stdout = stdout;
  }

  @Override
  public String describe() {
    return "docker archive " + dest;
  }

  @Override
  public void write(BuiltImage image, List<String> names) throws IOException {
    ArchiveDestination.write(
        dest,
        stdout,
        out -> {
          try (ImageTarStream tar = new ImageTarStream(out)) {
            tar.layoutBlobs(image);
            tar.file("index.json", OciArchiveWriter.index(image.descriptor(), names));
            tar.file("manifest.json", manifestJson(image, names));
          }
        });
  }

  private static byte[] manifestJson(BuiltImage image, List<String> names) throws IOException {
    ArrayNode root = JSON.createArrayNode();
    ObjectNode entry = root.addObject();
    entry.put("Config", ImageTarStream.blobName(image.manifest().config()));
    ArrayNode repoTags = entry.putArray("RepoTags");
    Set<String> tags = new LinkedHashSet<>();
    for (String name : names) {
      if (!name.contains("@")) {
        tags.add(TagNames.repoTag(name));
      }
    }
    tags.forEach(repoTags::add);
    ArrayNode layers = entry.putArray("Layers");
    for (Descriptor layer : image.manifest().layers()) {
      layers.add(ImageTarStream.blobName(layer));
    }
    return JSON.writeValueAsBytes(root);
  }
}
