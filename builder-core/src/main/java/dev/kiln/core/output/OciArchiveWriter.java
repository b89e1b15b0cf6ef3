package dev.kiln.core.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.MediaType;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --output type=oci,dest=FILE}: an OCI image layout as one tar (what {@code skopeo copy
 * oci-archive:} and {@code podman load} read). The tar is deterministic: the same image and names
 * give the same bytes.
 */
public final class OciArchiveWriter implements ImageOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dest;
  private final OutputStream stdout;

  public OciArchiveWriter(Path dest, OutputStream stdout) {
    this.dest = dest;
    this.stdout = stdout;
  }

  @Override
  public String describe() {
    return "oci archive " + dest;
  }

  @Override
  public boolean holdsIndexes() {
    return true;
  }

  @Override
  public void write(BuiltImage image, List<String> names) throws IOException {
    ArchiveDestination.write(
        dest,
        stdout,
        out -> {
          try (ImageTarStream tar = new ImageTarStream(out)) {
            tar.layoutBlobs(image);
            tar.file("index.json", index(image.descriptor(), names));
          }
        });
  }

  /** The index is a blob too, and {@code index.json} points at it (a nested index). */
  @Override
  public void write(BuiltIndex index, List<String> names) throws IOException {
    ArchiveDestination.write(
        dest,
        stdout,
        out -> {
          try (ImageTarStream tar = new ImageTarStream(out)) {
            for (BuiltImage image : index.images()) {
              tar.layoutBlobs(image);
            }
            tar.file(
                ImageTarStream.blobName(index.descriptor()), index.index().raw().toByteArray());
            tar.file("index.json", index(index.descriptor(), names));
          }
        });
  }

  static byte[] index(Descriptor top, List<String> names) throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaType.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    List<String> tags = new ArrayList<>();
    for (String name : names) {
      String tag = TagNames.tagOf(name);
      if (!tag.isEmpty() && !tags.contains(tag)) {
        tags.add(tag);
      }
    }
    if (tags.isEmpty()) {
      tags.add(null);
    }
    for (String tag : tags) {
      ObjectNode d = manifests.addObject();
      d.put("mediaType", top.mediaType());
      d.put("digest", top.digest().toString());
      d.put("size", top.size());
      if (tag != null) {
        ObjectNode annotations = d.putObject("annotations");
        annotations.put(OciLayoutWriter.REF_NAME, tag);
      }
    }
    return JSON.writeValueAsBytes(index);
  }
}
