package dev.kiln.maven;

import dev.kiln.api.build.BuildMetadataFile;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.RegistryLogin;
import dev.kiln.cache.store.CacheDirectory;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * What every kiln goal shares: where the image goes ({@code image}, {@code tags}), how registries
 * are reached (credentials from {@code settings.xml}, {@code insecureRegistries}), {@code skip},
 * and how the result is reported (the {@code kiln.image.digest} project property, {@code
 * digestFile}, {@code metadataFile}). Each execution keeps its state in its own mojo instance, so
 * the goals are safe in parallel builds ({@code mvn -T}).
 */
abstract class KilnMojo extends AbstractMojo {
  /** The project property that holds the image digest after a kiln goal ran. */
  static final String DIGEST_PROPERTY = "kiln.image.digest";

  @Parameter(defaultValue = "${project}", readonly = true, required = true)
  MavenProject project;

  @Parameter(defaultValue = "${session}", readonly = true, required = true)
  MavenSession session;

  @Component SettingsDecrypter settingsDecrypter;

  /** Skip this goal. */
  @Parameter(property = "kiln.skip", defaultValue = "false")
  boolean skip;

  /**
   * The image's name, e.g. {@code registry.example.com/team/app:1.0}. {@code -Dimage=…} (or {@code
   * -Dkiln.image=…}) on the command line overrides it, as with Jib.
   */
  @Parameter(property = "kiln.image")
  String image;

  /**
   * More names for the image: a plain tag ({@code latest}, {@code ${project.version}}) applies to
   * {@code image}'s repository; anything else is a full reference.
   */
  @Parameter(property = "kiln.tags")
  List<String> tags;

  /**
   * Registries ({@code host[:port]}) to reach over plain HTTP or without verifying TLS; they may
   * also receive credentials over plain HTTP, as with the CLI's {@code --insecure-registry} and
   * Docker's {@code insecure-registries}. Loopback registries are reached this way always, but get
   * credentials over plain HTTP only when named here.
   */
  @Parameter(property = "kiln.insecureRegistries")
  List<String> insecureRegistries;

  /**
   * More hosts ({@code host[:port]}) that may receive credentials over plain HTTP, besides {@code
   * insecureRegistries}: typically the token service of an insecure registry. kiln never sends
   * credentials unencrypted otherwise.
   */
  @Parameter(property = "kiln.plainHttpCredentialHosts")
  List<String> plainHttpCredentialHosts;

  /** kiln's content store and build cache (default: {@code $KILN_CACHE_DIR} or ~/.cache/kiln). */
  @Parameter(property = "kiln.cacheDir")
  File cacheDir;

  /** Where to write the image digest ({@code sha256:…}), like {@code --iidfile}. */
  @Parameter(
      property = "kiln.digestFile",
      defaultValue = "${project.build.directory}/kiln-image.digest")
  File digestFile;

  /** Where to write build metadata as JSON with buildx's keys, like {@code --metadata-file}. */
  @Parameter(property = "kiln.metadataFile")
  File metadataFile;

  @Override
  public final void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("kiln: skipped (kiln.skip=true)");
      return;
    }
    run();
  }

  abstract void run() throws MojoExecutionException, MojoFailureException;

  /**
   * The image's name: {@code -Dimage=…}, else {@code -Dkiln.image=…}, else the configured {@code
   * image}, else null. The command line wins over the pom, as with Jib.
   */
  final String imageName() {
    for (String property : List.of("image", "kiln.image")) {
      String value = session.getUserProperties().getProperty(property);
      if (value != null && !value.isBlank()) {
        return value.trim();
      }
    }
    return image == null || image.isBlank() ? null : image.trim();
  }

  /** {@code image} and {@code tags} as full references. */
  final List<String> names(String imageName) throws MojoFailureException {
    try {
      return ImageNames.of(imageName, tags);
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(e.getMessage(), e);
    }
  }

  /**
   * Credentials by registry: {@code -Dkiln.auth…} and {@code KILN_AUTH_…} (see {@link
   * CommandLineLogins}) over {@code settings.xml} servers; Docker's and podman's files come after.
   *
   * @param image the image's name, whose registry {@code -Dkiln.auth.username} is for; or null
   */
  final Map<String, RegistryLogin> registryLogins(String image) {
    Map<String, RegistryLogin> logins =
        new LinkedHashMap<>(
            SettingsLogins.from(session.getSettings().getServers(), settingsDecrypter, getLog()));
    logins.putAll(CommandLineLogins.from(session.getUserProperties(), System.getenv(), image));
    return logins;
  }

  /** kiln's store: {@code cacheDir}, else {@code $KILN_CACHE_DIR}, else the user's default. */
  final Path storeRoot() {
    return CacheDirectory.resolve(Optional.ofNullable(cacheDir).map(File::toString));
  }

  final List<String> insecureRegistries() {
    return insecureRegistries == null ? List.of() : insecureRegistries;
  }

  /**
   * {@code insecureRegistries} and {@code plainHttpCredentialHosts}: who may get credentials over
   * HTTP.
   */
  final List<String> credentialsOverPlainHttp() {
    List<String> hosts = new ArrayList<>(insecureRegistries());
    if (plainHttpCredentialHosts != null) {
      hosts.addAll(plainHttpCredentialHosts);
    }
    return hosts;
  }

  /**
   * The {@code -Dkiln.PREFIX.NAME=value} user properties as a map, for map parameters that Maven
   * cannot set from one property ({@code kiln.buildArg.VERSION=1.2}).
   */
  final Map<String, String> prefixed(String prefix) {
    Map<String, String> values = new LinkedHashMap<>();
    Properties user = session.getUserProperties();
    List<String> keys = new ArrayList<>(user.stringPropertyNames());
    keys.sort(null);
    for (String key : keys) {
      if (key.startsWith(prefix) && key.length() > prefix.length()) {
        values.put(key.substring(prefix.length()), user.getProperty(key));
      }
    }
    return values;
  }

  /** Publishes the digest: project property, {@code digestFile}, {@code metadataFile}. */
  final void record(BuildResult result) throws MojoExecutionException {
    if (result.imageDigest().isEmpty()) {
      return;
    }
    String digest = result.imageDigest().get().toString();
    project.getProperties().setProperty(DIGEST_PROPERTY, digest);
    try {
      if (digestFile != null) {
        BuildMetadataFile.writeIid(digestFile.toPath(), result);
      }
      if (metadataFile != null) {
        BuildMetadataFile.writeMetadata(metadataFile.toPath(), result);
      }
    } catch (IOException e) {
      throw new MojoExecutionException("cannot write the image digest: " + e.getMessage(), e);
    }
  }
}
