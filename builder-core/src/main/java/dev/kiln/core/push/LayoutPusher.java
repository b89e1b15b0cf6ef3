package dev.kiln.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.request.RequestException;
import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.image.OciLayoutImages;
import dev.kiln.core.image.ResolvedImage;
import dev.kiln.core.output.RegistryOutput;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Pushes an image that is already on disk: an OCI image layout directory, or an archive of one
 * (kiln's {@code --output type=oci} and {@code type=docker} tars, {@code skopeo copy oci-archive:},
 * {@code docker save} from Docker 25 on). The push goes through {@link RegistryOutput}, so blobs
 * the repository has are skipped, and each blob is checked against its digest as it is read. An
 * archive is unpacked into a temporary directory next to it first (layers can be large, and the
 * system temp directory is often a small tmpfs).
 */
public final class LayoutPusher {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryClient client;

  public LayoutPusher(RegistryClient client) {
    this.client = client;
  }

  /**
   * Pushes one image of {@code source} to every reference in {@code references}.
   *
   * @param source an OCI layout directory or a tar holding one (gzip-compressed or not)
   * @param selector which image of the layout: {@code ""} for the only one, {@code ":tag"} or a
   *     bare tag ({@code org.opencontainers.image.ref.name}), or {@code "@sha256:…"}
   * @param platform the platform to pick when the selected entry is an index
   * @param references full image references to push to
   * @throws ImageNotFoundException if {@code source} is missing, not a layout, or lacks the image
   */
  public PushedImage push(Path source, String selector, Platform platform, List<String> references)
      throws IOException {
    if (references.isEmpty()) {
      throw new RequestException(
          "no reference to push " + source + " to", "name one, e.g. registry.example/app:1");
    }
    if (Files.isDirectory(source)) {
      return pushLayout(source, selector, platform, references);
    }
    if (!Files.isRegularFile(source)) {
      throw new ImageNotFoundException(
          source + " does not exist",
          "build the image into an OCI layout or archive first (--output type=oci,dest=…)");
    }
    Path dir = unpackDirectory(source);
    try {
      LayoutArchive.extract(source, dir);
      return pushLayout(dir, selector, platform, references);
    } finally {
      deleteTree(dir);
    }
  }

  private PushedImage pushLayout(
      Path layout, String selector, Platform platform, List<String> references) throws IOException {
    String chosen = selector.isEmpty() ? onlyImage(layout) : selector;
    ResolvedImage resolved = OciLayoutImages.resolve(layout, chosen, platform);
    BuiltImage image = new BuiltImage(resolved.manifest(), resolved.config(), resolved.blobs());
    RegistryOutput output = new RegistryOutput(client, Map.of());
    output.write(image, references);
    return new PushedImage(image, output.pushed());
  }

  /**
   * {@code "@digest"} when every entry of the layout's index names the same manifest (an archive
   * written with several tags), else {@code ""} and the layout reader decides (one entry, or the
   * one tagged latest, or an error that lists the tags).
   */
  private static String onlyImage(Path layout) throws IOException {
    Path index = layout.resolve("index.json");
    if (!Files.isRegularFile(index)) {
      return "";
    }
    Set<String> digests = new LinkedHashSet<>();
    for (JsonNode entry : JSON.readTree(index.toFile()).path("manifests")) {
      digests.add(entry.path("digest").asText());
    }
    return digests.size() == 1 ? "@" + digests.iterator().next() : "";
  }

  private static Path unpackDirectory(Path archive) throws IOException {
    Path parent = archive.toAbsolutePath().getParent();
    try {
      return Files.createTempDirectory(parent, ".kiln-push-");
    } catch (IOException e) {
      // A read-only directory (a mounted artifact): the system temp directory will have to do.
      return Files.createTempDirectory("kiln-push-");
    }
  }

  private static void deleteTree(Path root) throws IOException {
    dev.kiln.cache.store.TreeDeletion.delete(root);
  }
}
