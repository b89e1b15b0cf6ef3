package dev.kiln.maven;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.Failures;
import dev.kiln.api.event.RegistryEventRelay;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.api.place.RegistryAccess;
import dev.kiln.api.place.WrittenImage;
import dev.kiln.api.request.RequestException;
import dev.kiln.registry.credentials.CredentialSource;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Pushes an image that is already built, without building again: the tar of {@code kiln:buildTar}
 * or the directory of {@code kiln:buildLayout}, or any source {@code kiln push} reads (an OCI
 * layout, an OCI archive, a {@code docker save} archive of any Docker version, an image in kiln's
 * store), to {@code image} and {@code tags}. Without {@code source}, it pushes what a build goal of
 * the same Maven run wrote, else the newer of the tar and the layout. Bind {@code buildTar} to
 * {@code package} and this to {@code deploy} to push only what was tested.
 */
@Mojo(name = "push", defaultPhase = LifecyclePhase.DEPLOY, threadSafe = true)
public class PushMojo extends KilnMojo {
  /**
   * The project context key under which kiln:buildTar and kiln:buildLayout leave the {@link Path}
   * they wrote, for a kiln:push later in the same Maven run.
   */
  static final String WRITTEN = "kiln.written";

  /**
   * What to push, as {@code kiln push} reads its SRC: a directory ({@code DIR}, {@code oci:DIR}) or
   * archive ({@code FILE}, {@code oci-archive:FILE}, {@code docker-archive:FILE}), relative to the
   * project, or a name in kiln's store. Default: what kiln:buildTar or kiln:buildLayout wrote in
   * this Maven run, else the newer of {@code outputFile} and {@code outputDirectory}.
   */
  @Parameter(property = "kiln.source")
  String source;

  /** Which image of the layout or archive to push, by name, when it holds several. */
  @Parameter(property = "kiln.sourceTag")
  String sourceTag;

  /** Where {@code kiln:buildTar} writes its tar (the same parameter). */
  @Parameter(
      property = "kiln.outputFile",
      defaultValue = "${project.build.directory}/kiln-image.tar")
  File outputFile;

  /** Where {@code kiln:buildLayout} writes its layout (the same parameter). */
  @Parameter(
      property = "kiln.outputDirectory",
      defaultValue = "${project.build.directory}/kiln-image")
  File outputDirectory;

  /** The platform to push when the source is an index of several (default: this machine's). */
  @Parameter(property = "kiln.platform")
  String platform;

  @Override
  void run() throws MojoExecutionException, MojoFailureException {
    String name = imageName();
    if (name == null) {
      throw new MojoFailureException(
          "kiln:push needs an image to push to: set <image> in the plugin's configuration, or"
              + " pass -Dimage=registry.example.com/app:1.0");
    }
    List<String> names = names(name);
    try (RegistryAccess registry =
            new RegistryAccess(
                new HashSet<>(insecureRegistries()),
                new HashSet<>(credentialsOverPlainHttp()),
                CredentialSource.NONE,
                registryLogins(names.get(0)),
                System.getenv(),
                // The registry client's transfers and warnings, in the Maven log as builds show
                // them.
                new RegistryEventRelay(new MavenLogProgress(getLog())));
        Places places =
            new Places(storeRoot(), registry::client, OutputStream.nullOutputStream())) {
      Place from = sourcePlace();
      Platform target =
          platform == null || platform.isBlank() ? Platform.host() : Platform.parse(platform);
      getLog().info("kiln: pushing " + from.text());
      LocatedImage image = places.openLocal(from).forPlatform(target);
      Place to = Place.Registry.of(ImageReference.parse(names.get(0)));
      WrittenImage written = places.sink(to).write(image, names);
      for (String reference : written.references()) {
        getLog().info("  -> " + reference);
      }
      record(
          new BuildResult(
              Optional.of(written.digest()),
              Optional.of(image.imageManifest().config().digest()),
              Optional.of(image.manifest().mediaType()),
              image.manifest().raw().size(),
              names,
              written.references(),
              0,
              0));
    } catch (IOException | RequestException | InvalidReferenceException e) {
      FailureReport.rethrow(Failures.of(e));
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
  }

  /**
   * {@code source} read as kiln push reads SRC; else what kiln:buildTar or kiln:buildLayout wrote
   * earlier in this Maven run; else the newer of {@code outputFile} and {@code outputDirectory},
   * with a warning when both exist, so a leftover from an earlier build is never pushed silently.
   */
  private Place sourcePlace() throws IOException, MojoFailureException {
    String selector = sourceTag == null || sourceTag.isBlank() ? "" : sourceTag.trim();
    if (source != null && !source.isBlank()) {
      String text = source.trim() + (selector.isEmpty() ? "" : ":" + selector);
      return PlaceSyntax.parse(text, project.getBasedir().toPath());
    }
    Path path;
    Object written = project.getContextValue(WRITTEN);
    if (written instanceof Path p) {
      path = p;
    } else {
      Path tar = outputFile.toPath();
      Path layout = outputDirectory.toPath();
      boolean hasTar = Files.isRegularFile(tar);
      boolean hasLayout = Files.isRegularFile(layout.resolve("index.json"));
      if (hasTar && hasLayout) {
        boolean tarNewer =
            Files.getLastModifiedTime(tar)
                    .compareTo(Files.getLastModifiedTime(layout.resolve("index.json")))
                >= 0;
        path = tarNewer ? tar : layout;
        getLog()
            .warn(
                "kiln: both "
                    + tar
                    + " and "
                    + layout
                    + " exist; pushing the newer, "
                    + path
                    + " (run kiln:buildTar or kiln:buildLayout in the same Maven run, or set"
                    + " -Dkiln.source)");
      } else {
        path = hasTar ? tar : layout;
      }
    }
    if (!Files.exists(path)) {
      throw FailureReport.usage(
          path + " does not exist",
          "run kiln:buildTar or kiln:buildLayout first, or name what to push with"
              + " -Dkiln.source=PATH");
    }
    return Place.ofPath(path, selector, path.toString());
  }
}
