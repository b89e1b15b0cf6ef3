package dev.kiln.core.engine;

import dev.kiln.cache.store.AtomicFile;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Which manifest a registry tag gave an earlier build for a platform, kept in the store with that
 * manifest and its config, so that {@code --pull=missing} can use a base a build already resolved
 * without asking its registry again, as buildah uses the image its first build pulled. The store
 * stays a cache: without the flag every build still checks the tag.
 *
 * <p>One small file per tag and platform under {@code kiln/resolved-tags/}, named by the hash of
 * both, holding the tag, the platform, the manifest's digest and media type; written atomically. A
 * record whose manifest or config the store no longer has (pruned) is simply not used.
 */
final class ResolvedTags {
  private final ContentStore store;
  private final Path directory;

  ResolvedTags(ContentStore store) {
    this.store = store;
    this.directory = store.paths().kilnDirectory().resolve("resolved-tags");
  }

  /** A stored tag's manifest and config, as they were when a build resolved the tag. */
  record Remembered(ImageManifest manifest, ImageConfig config) {}

  /**
   * Keeps {@code manifest} (its config is kept by whoever fetched it) as what {@code tag} (the
   * reference as the Dockerfile wrote it) gave for {@code platform}. Only a saving for later
   * builds: a store that cannot take it costs nothing.
   */
  void remember(String tag, Platform platform, ImageManifest manifest) {
    try {
      // Every build from a registry base comes here: an unchanged tag must cost no write and no
      // fsync, or the no-change rebuild pays for a record it already has.
      if (!store.blobReader().contains(manifest.raw().digest())) {
        store.blobWriter().write(manifest.raw().toByteArray());
      }
      byte[] record =
          (String.join(
                      "\n",
                      tag,
                      platform.toString(),
                      manifest.raw().digest().toString(),
                      manifest.mediaType())
                  + "\n")
              .getBytes(StandardCharsets.UTF_8);
      Path file = file(tag, platform);
      if (Files.isRegularFile(file) && Arrays.equals(Files.readAllBytes(file), record)) {
        return;
      }
      AtomicFile.write(file, record);
    } catch (IOException | RuntimeException e) {
      // The next --pull=missing build asks the registry, as it would have.
    }
  }

  /** What {@code tag} gave an earlier build for {@code platform}, if the store still has it. */
  Optional<Remembered> find(String tag, Platform platform) {
    try {
      List<String> lines =
          List.of(Files.readString(file(tag, platform), StandardCharsets.UTF_8).split("\n"));
      if (lines.size() < 4
          || !lines.get(0).equals(tag)
          || !lines.get(1).equals(platform.toString())) {
        return Optional.empty();
      }
      Digest digest = Digest.parse(lines.get(2));
      if (!store.blobReader().contains(digest)) {
        return Optional.empty();
      }
      byte[] bytes = store.blobReader().readAllBytes(digest);
      if (!Digest.sha256(bytes).equals(digest)) {
        return Optional.empty();
      }
      ImageManifest manifest = ImageManifest.parse(bytes, lines.get(3));
      Digest config = manifest.config().digest();
      if (!store.blobReader().contains(config)) {
        return Optional.empty();
      }
      return Optional.of(
          new Remembered(manifest, ImageConfig.parse(store.blobReader().readAllBytes(config))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      // Damaged or half-written: as if there were none.
      return Optional.empty();
    }
  }

  private Path file(String tag, Platform platform) {
    String key = tag + "\n" + platform;
    return directory.resolve(Digest.sha256(key.getBytes(StandardCharsets.UTF_8)).hex());
  }
}
