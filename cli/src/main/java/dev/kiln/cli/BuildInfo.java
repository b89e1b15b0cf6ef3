package dev.kiln.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.Properties;

/**
 * What the build stamped into {@code dev/kiln/cli/build-info.properties}: kiln's version, the git
 * commit it was built from and the build date. A value the build could not fill in (no git, a class
 * path without filtered resources) is empty rather than a placeholder.
 *
 * @param version the Maven version, e.g. {@code 0.1.0}
 * @param commit the full commit hash, if known
 * @param modified whether tracked files differed from that commit at build time
 * @param date the build date as ISO-8601 UTC text (SOURCE_DATE_EPOCH when the build had it)
 */
public record BuildInfo(
    Optional<String> version, Optional<String> commit, boolean modified, Optional<String> date) {
  static final String RESOURCE = "build-info.properties";

  /** The stamp of the running kiln. */
  public static BuildInfo current() {
    Properties properties = new Properties();
    try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read kiln's " + RESOURCE, e);
    }
    return of(properties);
  }

  /** The stamp in {@code properties}; unfiltered {@code ${…}} values count as unknown. */
  static BuildInfo of(Properties properties) {
    return new BuildInfo(
        value(properties, "version"),
        value(properties, "commit"),
        value(properties, "dirty").map(Boolean::parseBoolean).orElse(false),
        value(properties, "date"));
  }

  private static Optional<String> value(Properties properties, String key) {
    String value = properties.getProperty(key, "").strip();
    return value.isEmpty() || value.contains("${") ? Optional.empty() : Optional.of(value);
  }
}
