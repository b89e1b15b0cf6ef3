package dev.kiln.api.place;

import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.IndexToPush;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Pushes an image, or a whole index with every image it lists, to each repository its names point
 * to. The registry client skips blobs the repository has, mounts blobs that come from another
 * repository of the same registry, pushes the manifest by digest before its tags, and sends nothing
 * when the tags already point at it.
 */
final class RegistrySink implements ImageSink {
  /** Where a blob of kiln's store is known to come from (registry repositories). */
  @FunctionalInterface
  interface Origins {
    List<String> of(Digest blob) throws IOException;
  }

  private final RegistryClient client;
  private final ImageReference reference;
  private final Origins origins;

  RegistrySink(RegistryClient client, ImageReference reference, Origins origins) {
    this.client = client;
    this.reference = reference;
    this.origins = origins;
  }

  @Override
  public String describe() {
    return "registry";
  }

  @Override
  public WrittenImage write(LocatedImage image, List<String> names) throws IOException {
    Map<ImageReference, List<String>> byRepository = new LinkedHashMap<>();
    for (String name : names.isEmpty() ? List.of(reference.toString()) : names) {
      ImageReference ref = ImageReference.parse(name);
      byRepository
          .computeIfAbsent(ref.repositoryOnly(), r -> new ArrayList<>())
          .add(ref.tagOrDefault());
    }
    // Read once (the config is held in memory), pushed to every repository.
    IndexToPush index = image.isIndex() ? image.toPushIndex() : null;
    ImageToPush one = image.isIndex() ? null : image.toPush();
    List<String> references = new ArrayList<>();
    List<PushResult> pushes = new ArrayList<>();
    for (Map.Entry<ImageReference, List<String>> repo : byRepository.entrySet()) {
      List<String> tags = repo.getValue();
      ImageReference target = repo.getKey().withTag(tags.get(0));
      List<String> moreTags = tags.subList(1, tags.size());
      PushResult result =
          index != null
              ? client.pushIndex(target, withMounts(index, target), moreTags)
              : client.pushImage(target, withMounts(one, target), moreTags);
      pushes.add(result);
      for (String tag : tags) {
        references.add(repo.getKey().withTag(tag) + "@" + result.digest());
      }
    }
    return new WrittenImage(image.manifest().digest(), references, pushes);
  }

  /**
   * {@code image} with a repository to mount from for each blob that has none but came from another
   * repository of {@code target}'s registry (a base layer of an image in the store).
   */
  private ImageToPush withMounts(ImageToPush image, ImageReference target) throws IOException {
    List<BlobToPush> blobs = new ArrayList<>();
    for (BlobToPush blob : image.blobs()) {
      if (blob.mountFrom() != null) {
        blobs.add(blob);
        continue;
      }
      ImageReference from = null;
      for (String origin : origins.of(blob.descriptor().digest())) {
        ImageReference candidate = ImageReference.parse(origin);
        if (candidate.sameRegistry(target) && !candidate.repository().equals(target.repository())) {
          from = candidate;
          break;
        }
      }
      blobs.add(from == null ? blob : new BlobToPush(blob.descriptor(), blob.content(), from));
    }
    return new ImageToPush(image.manifest(), blobs);
  }

  private IndexToPush withMounts(IndexToPush index, ImageReference target) throws IOException {
    List<ImageToPush> images = new ArrayList<>();
    for (ImageToPush image : index.images()) {
      images.add(withMounts(image, target));
    }
    return new IndexToPush(index.index(), images);
  }
}
