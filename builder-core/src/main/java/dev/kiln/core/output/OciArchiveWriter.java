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
import java.util.List;

/**
 * {@code --output type=oci,dest=FILE}: an OCI image layout as one tar (what {@code skopeo copy
 * oci-archive:} and {@code podman load} read). Each name is recorded as BuildKit records it: the
 * whole reference for podman, containerd and Docker, the tag for skopeo ({@link
 * TagNames.LayoutName}). The tar is deterministic: the same image and names give the same bytes.
 */
public final class OciArchiveWriter implements ImageOutput {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dest;
  private final OutputStream stdout;
  private final DescriptorAnnotations annotations;

  public OciArchiveWriter(Path dest, OutputStream stdout) {
    this(dest, stdout, DescriptorAnnotations.NONE);
  }

  /**
   * @param annotations what {@code index.json}'s descriptor of the image (or of the index) gets
   */
  public OciArchiveWriter(Path dest, OutputStream stdout, DescriptorAnnotations annotations) {
    this.dest = dest;
    this.stdout = stdout;
    this.annotations = annotations;
  }

  @Override
  public String describe() {
    return "oci archive " + dest;
  }

  @Override
  public boolean keepsAttestations() {
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
            tar.file("index.json", index(annotations.ofManifest(image.descriptor()), names));
          }
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>As in {@link OciLayoutWriter#writeIndex}, {@code index.json} points at the image index.
   */
  @Override
  public void writeIndex(BuiltIndex index, List<String> names) throws IOException {
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
            tar.file("index.json", index(annotations.ofIndex(index.descriptor()), names));
          }
        });
  }

  static byte[] index(Descriptor top, List<String> names) throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaType.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    List<TagNames.LayoutName> layoutNames = TagNames.layoutNames(names);
    if (layoutNames.isEmpty()) {
      manifests.add(OciLayoutWriter.descriptorNode(top, null));
    }
    for (TagNames.LayoutName name : layoutNames) {
      manifests.add(OciLayoutWriter.descriptorNode(top, name));
    }
    return JSON.writeValueAsBytes(index);
  }
}
