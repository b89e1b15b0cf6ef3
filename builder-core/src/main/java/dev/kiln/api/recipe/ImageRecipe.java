package dev.kiln.api.recipe;

import dev.kiln.api.Kiln;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.ImageBuilder;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.NamedContext;
import dev.kiln.api.request.RequestException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An image made without a Dockerfile, as Jib's {@code Jib.from(…).addLayer(…).containerize(…)}: a
 * base image, one layer per {@link LayerSource}, and config (environment, entrypoint, command,
 * working directory, user, ports, labels), built by kiln's engine into a registry, an archive or a
 * layout:
 *
 * <pre>{@code
 * BuildResult result =
 *     ImageRecipe.from("eclipse-temurin:21-jre")
 *         .addLayer(LayerSource.of(Path.of("target/lib"), "/app/lib"))
 *         .addLayer(LayerSource.of(Path.of("target/app.jar"), "/app/app.jar"))
 *         .entrypoint("java", "-jar", "/app/app.jar")
 *         .containerize(Destination.registry("registry.example.com/team/app:1.0"));
 * }</pre>
 *
 * <p>The build is an ordinary kiln build, so it has what every build has: the build cache (an
 * unchanged layer is not written again, a blob the registry has is not uploaded), reproducible
 * output with {@code SOURCE_DATE_EPOCH} ({@link #configure}), Docker's and podman's credentials. A
 * recipe is a mutable description, not safe to share between threads; {@link #containerize} may be
 * called several times.
 */
public final class ImageRecipe {
  private final String base;
  private final Optional<Path> baseLayout;
  private final List<LayerSource> layers = new ArrayList<>();
  private final Map<String, String> environment = new LinkedHashMap<>();
  private final Map<String, String> labels = new LinkedHashMap<>();
  private final List<String> ports = new ArrayList<>();
  private List<String> entrypoint;
  private List<String> cmd;
  private String workingDirectory;
  private String user;
  private final List<Consumer<BuildRequest.Builder>> settings = new ArrayList<>();

  private ImageRecipe(String base, Optional<Path> baseLayout) {
    this.base = base;
    this.baseLayout = baseLayout;
  }

  /**
   * A recipe on {@code baseImage}: a reference as in {@code FROM} ({@code eclipse-temurin:21-jre},
   * {@code ghcr.io/org/base@sha256:…}) or {@code scratch} for none.
   */
  public static ImageRecipe from(String baseImage) {
    if (baseImage == null || baseImage.isBlank()) {
      throw new RequestException("the base image is empty", "use a reference, or scratch");
    }
    return new ImageRecipe(baseImage.trim(), Optional.empty());
  }

  /**
   * A recipe on the image tagged {@code tag} in the OCI layout {@code dir} (as {@code skopeo copy …
   * oci:DIR:TAG} writes it), without a registry.
   */
  public static ImageRecipe fromLayout(Path dir, String tag) {
    return new ImageRecipe(tag, Optional.of(dir));
  }

  /** One more layer, on top of the previous ones. */
  public ImageRecipe addLayer(LayerSource layer) {
    layers.add(layer);
    return this;
  }

  /** Sets an environment variable (over the base image's). */
  public ImageRecipe env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /** The entrypoint, in exec form; replaces the base image's, and clears its command. */
  public ImageRecipe entrypoint(String... args) {
    this.entrypoint = List.of(args);
    return this;
  }

  /** The command (the entrypoint's default arguments), in exec form. */
  public ImageRecipe cmd(String... args) {
    this.cmd = List.of(args);
    return this;
  }

  /** The working directory, an absolute path. */
  public ImageRecipe workingDirectory(String dir) {
    this.workingDirectory = dir;
    return this;
  }

  /** The user processes run as: {@code USER[:GROUP]}, names or numbers. */
  public ImageRecipe user(String userAndGroup) {
    this.user = userAndGroup;
    return this;
  }

  /** A port the image listens on: {@code 8080} or {@code 8080/tcp}, {@code 53/udp}. */
  public ImageRecipe exposedPort(String port) {
    ports.add(port);
    return this;
  }

  /** An image label. */
  public ImageRecipe label(String key, String value) {
    labels.put(key, value);
    return this;
  }

  /**
   * Everything else a build takes, set on the request before it is built: {@code sourceDateEpoch},
   * {@code platform}, {@code cacheDir}, {@code insecureRegistry}, {@code registryLogin}, {@code
   * environment}, {@code annotation}…
   */
  public ImageRecipe configure(Consumer<BuildRequest.Builder> setting) {
    settings.add(setting);
    return this;
  }

  /** {@link #containerize(Destination, ImageBuilder, BuildListener)} with kiln, no listener. */
  public BuildResult containerize(Destination destination) throws BuildFailure {
    return containerize(destination, new Kiln(), event -> {});
  }

  /**
   * Builds the image into {@code destination}.
   *
   * @param listener the build's events, as a Dockerfile build reports them (a step per layer)
   * @throws RequestException if the recipe cannot be built (a missing source, a relative path), a
   *     message naming the value
   * @throws BuildFailure if the build fails (the base image cannot be pulled, a push is refused)
   */
  public BuildResult containerize(
      Destination destination, ImageBuilder builder, BuildListener listener) throws BuildFailure {
    Path context;
    try {
      // The Dockerfile's own context is empty: every layer comes from a named context.
      context = Files.createTempDirectory("kiln-recipe-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an empty build context", e);
    }
    try {
      return builder.build(request(destination, context), listener);
    } finally {
      try {
        Files.deleteIfExists(context);
      } catch (IOException e) {
        // An empty directory left in the temp directory is harmless.
      }
    }
  }

  /** The build request for {@code destination}, with {@code context} as the (empty) context. */
  BuildRequest request(Destination destination, Path context) {
    BuildRequest.Builder b =
        BuildRequest.builder(context)
            .dockerfileContent(dockerfile().getBytes(StandardCharsets.UTF_8));
    baseLayout.ifPresent(
        dir -> b.buildContext(new NamedContext.OciLayout(RecipeDockerfile.BASE, dir, ":" + base)));
    for (int i = 0; i < layers.size(); i++) {
      Path source = layers.get(i).source().toAbsolutePath().normalize();
      Path dir = Files.isDirectory(source) ? source : source.getParent();
      b.buildContext(new NamedContext.Directory(RecipeDockerfile.layerContext(i), dir));
    }
    destination.names().forEach(b::tag);
    b.output(destination.output());
    settings.forEach(s -> s.accept(b));
    return b.build();
  }

  /** The recipe as the Dockerfile kiln builds; package-private for tests. */
  String dockerfile() {
    return new RecipeDockerfile(
            baseLayout.isPresent() ? RecipeDockerfile.BASE : base,
            layers,
            environment,
            labels,
            ports,
            Optional.ofNullable(entrypoint),
            Optional.ofNullable(cmd),
            Optional.ofNullable(workingDirectory),
            Optional.ofNullable(user))
        .text();
  }
}
