package dev.kiln.gradle.engine;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.event.RegistryEventRelay;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.api.place.RegistryAccess;
import dev.kiln.api.place.WrittenImage;
import dev.kiln.api.request.RequestException;
import dev.kiln.cache.store.CacheDirectory;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * kilnPush: sends an image that is already built (the tar of kilnBuildTar, else the layout of
 * kilnBuildLayout, or {@code source} read as {@code kiln push} reads SRC) to {@code image} and
 * {@code tags}, with the registries and credentials of a build, through the API's places as the
 * Maven plugin's {@code kiln:push} does.
 */
final class PushJob {
  private PushJob() {}

  static BuildResult push(
      JobValues job, Map<String, String> environment, BiConsumer<String, String> log)
      throws IOException {
    List<String> names = JobRequest.names(job, "push");
    Path store = CacheDirectory.resolve(job.value("cacheDir"));
    try (RegistryAccess registry =
            new RegistryAccess(
                new HashSet<>(job.list("insecureRegistry")),
                new HashSet<>(job.list("plainHttpCredentialHost")),
                CredentialSource.NONE,
                JobRequest.logins(job, names.get(0), log),
                environment,
                new RegistryEventRelay(new GradleLogProgress(log)));
        Places places = new Places(store, registry::client, OutputStream.nullOutputStream())) {
      Place from = source(job, log);
      Platform target = job.value("pushPlatform").map(Platform::parse).orElse(Platform.host());
      log.accept("lifecycle", "kiln: pushing " + from.text());
      LocatedImage image = places.openLocal(from).forPlatform(target);
      Place to = Place.Registry.of(ImageReference.parse(names.get(0)));
      WrittenImage written = places.sink(to).write(image, names);
      for (String reference : written.references()) {
        log.accept("lifecycle", "  -> " + reference);
      }
      return new BuildResult(
          Optional.of(written.digest()),
          Optional.of(image.imageManifest().config().digest()),
          Optional.of(image.manifest().mediaType()),
          image.manifest().raw().size(),
          names,
          written.references(),
          0,
          0);
    }
  }

  /**
   * {@code source} read as kiln push reads SRC; else what a build task of this Gradle run wrote;
   * else the newer of the tar and the layout the build tasks write, saying so when both exist, so a
   * leftover from an earlier run is never pushed silently over a fresh build.
   */
  static Place source(JobValues job, BiConsumer<String, String> log) throws IOException {
    String selector = job.value("sourceTag").map(String::trim).orElse("");
    Optional<String> source = job.value("source");
    if (source.isPresent()) {
      String text = source.get().trim() + (selector.isEmpty() ? "" : ":" + selector);
      return PlaceSyntax.parse(text, Path.of(job.required("projectDir")));
    }
    Path path;
    Optional<String> written = job.value("written");
    if (written.isPresent()) {
      path = Path.of(written.get());
    } else {
      Path tar = Path.of(job.required("tarFile"));
      Path layout = Path.of(job.required("layoutDirectory"));
      boolean hasTar = Files.isRegularFile(tar);
      boolean hasLayout = Files.isRegularFile(layout.resolve("index.json"));
      if (hasTar && hasLayout) {
        boolean tarNewer =
            Files.getLastModifiedTime(tar)
                    .compareTo(Files.getLastModifiedTime(layout.resolve("index.json")))
                >= 0;
        path = tarNewer ? tar : layout;
        log.accept(
            "warn",
            "kiln: both "
                + tar
                + " and "
                + layout
                + " exist; pushing the newer, "
                + path
                + " (run the build task in the same Gradle run, or set kiln { source })");
      } else {
        path = hasTar ? tar : layout;
      }
    }
    if (!Files.exists(path)) {
      throw new RequestException(
          path + " does not exist",
          "run kilnBuildTar or kilnBuildLayout first, or name what to push with kiln { source }"
              + " (-Pkiln.source=PATH)");
    }
    return Place.ofPath(path, selector, path.toString());
  }
}
