package dev.kiln.api.request;

import java.nio.file.Path;

/**
 * One {@code --build-context NAME=VALUE}: a directory, {@code docker-image://REF} or {@code
 * oci-layout://DIR[:TAG|@DIGEST]}, usable as {@code FROM NAME}, {@code COPY --from=NAME} and {@code
 * RUN --mount=from=NAME}.
 */
public sealed interface NamedContext {
  String name();

  /** A local directory. */
  record Directory(String name, Path dir) implements NamedContext {}

  /** An image in a registry. */
  record Image(String name, String reference) implements NamedContext {}

  /** An image in a local OCI layout; {@code selector} is {@code :tag}, {@code @digest} or empty. */
  record OciLayout(String name, Path dir, String selector) implements NamedContext {}

  static NamedContext parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) {
      throw new RequestException(
          "--build-context '" + text + "' is not NAME=VALUE",
          "e.g. --build-context base=docker-image://alpine:3.20 or --build-context src=../lib");
    }
    String name = text.substring(0, eq).trim();
    String value = text.substring(eq + 1).trim();
    if (value.startsWith("docker-image://")) {
      return new Image(name, value.substring("docker-image://".length()));
    }
    if (value.startsWith("oci-layout://")) {
      String rest = value.substring("oci-layout://".length());
      int at = rest.lastIndexOf('@');
      int colon = rest.lastIndexOf(':');
      int slash = rest.lastIndexOf('/');
      int split = at >= 0 ? at : (colon > slash ? colon : -1);
      return split < 0
          ? new OciLayout(name, Path.of(rest), "")
          : new OciLayout(name, Path.of(rest.substring(0, split)), rest.substring(split));
    }
    if (value.contains("://")) {
      throw new RequestException(
          "--build-context " + name + ": unsupported source '" + value + "'",
          "use a directory, docker-image://REF or oci-layout://DIR");
    }
    return new Directory(name, Path.of(value));
  }
}
