package dev.kiln.core.output;

import dev.kiln.core.image.BuiltImage;
import dev.kiln.core.image.BuiltIndex;
import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.IndexToPush;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code --push} / {@code --output type=registry}: pushes the image to every repository its names
 * point to. The registry client skips blobs the repository has, mounts base layers from the base
 * image's repository when it is in the same registry (so they are never downloaded), pushes the
 * config before the manifest and the manifest by digest before its tags, and sends nothing when the
 * tag already points at the same manifest.
 */
public final class RegistryOutput implements ImageOutput {
  private final RegistryClient client;
  private final Map<Digest, ImageReference> mountSources;
  private final List<String> pushed = new ArrayList<>();
  private final List<PushResult> results = new ArrayList<>();

  /**
   * @param mountSources for layers that came from a registry image: the repository they are in
   */
  public RegistryOutput(RegistryClient client, Map<Digest, ImageReference> mountSources) {
    this.client = client;
    this.mountSources = Map.copyOf(mountSources);
  }

  @Override
  public String describe() {
    return "registry";
  }

  /** {@code repo:tag@sha256:…} for every reference pushed so far. */
  public List<String> pushed() {
    return List.copyOf(pushed);
  }

  /** One result per repository pushed to so far: the manifest's descriptor and where it went. */
  public List<PushResult> results() {
    return List.copyOf(results);
  }

  @Override
  public boolean holdsIndexes() {
    return true;
  }

  @Override
  public void write(BuiltImage image, List<String> names) throws IOException {
    ImageToPush toPush = toPush(image);
    push(names, (target, moreTags) -> client.pushImage(target, toPush, moreTags));
  }

  /** Pushes the index, after each image it lists (attestation manifests included). */
  @Override
  public void write(BuiltIndex index, List<String> names) throws IOException {
    List<ImageToPush> images = new ArrayList<>();
    for (BuiltImage image : index.images()) {
      images.add(toPush(image));
    }
    IndexToPush toPush = new IndexToPush(index.index(), images);
    push(names, (target, moreTags) -> client.pushIndex(target, toPush, moreTags));
  }

  private interface Push {
    PushResult to(ImageReference target, List<String> moreTags) throws IOException;
  }

  private void push(List<String> names, Push push) throws IOException {
    Map<ImageReference, List<String>> byRepository = new LinkedHashMap<>();
    for (String name : names) {
      ImageReference ref = ImageReference.parse(name);
      byRepository
          .computeIfAbsent(ref.repositoryOnly(), r -> new ArrayList<>())
          .add(ref.tagOrDefault());
    }
    for (Map.Entry<ImageReference, List<String>> repo : byRepository.entrySet()) {
      List<String> tags = repo.getValue();
      ImageReference target = repo.getKey().withTag(tags.get(0));
      PushResult result = push.to(target, tags.subList(1, tags.size()));
      results.add(result);
      for (String tag : tags) {
        pushed.add(repo.getKey().withTag(tag) + "@" + result.digest());
      }
    }
  }

  private ImageToPush toPush(BuiltImage image) {
    List<BlobToPush> blobs = new ArrayList<>();
    blobs.add(
        BlobToPush.of(
            image.manifest().config(), BlobContent.ofBytes(image.config().raw().toByteArray())));
    for (Descriptor layer : image.manifest().layers()) {
      blobs.add(blobToPush(image, layer));
    }
    return new ImageToPush(image.manifest(), blobs);
  }

  private BlobToPush blobToPush(BuiltImage image, Descriptor layer) {
    Optional<Path> file = image.blobs().localFile(layer);
    BlobContent content =
        file.isPresent()
            ? BlobContent.ofFile(file.get())
            : BlobContent.of(() -> image.blobs().open(layer));
    return new BlobToPush(layer, content, mountSources.get(layer.digest()));
  }
}
