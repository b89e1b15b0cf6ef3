package dev.kiln.api.place;

import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.IndexToPush;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.client.RegistryClient;
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
  private final RegistryClient client;
  private final ImageReference reference;

  RegistrySink(RegistryClient client, ImageReference reference) {
    this.client = client;
    this.reference = reference;
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
              ? client.pushIndex(target, index, moreTags)
              : client.pushImage(target, one, moreTags);
      pushes.add(result);
      for (String tag : tags) {
        references.add(repo.getKey().withTag(tag) + "@" + result.digest());
      }
    }
    return new WrittenImage(image.manifest().digest(), references, pushes);
  }
}
