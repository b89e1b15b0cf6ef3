package dev.kiln.registry.reference;

import dev.kiln.registry.model.Digest;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A normalised image reference: registry, repository, and a tag, a digest or both.
 *
 * <p>{@link #parse} follows Docker's rules so that a reference means in kiln what it means to
 * {@code docker pull}: the first path component is a registry only if it contains {@code .} or
 * {@code :}, is {@code localhost}, or has an upper-case letter; otherwise the registry is {@code
 * docker.io}. {@code index.docker.io} is folded into {@code docker.io}, and a one-component Docker
 * Hub repository gets {@code library/}. A reference with both tag and digest keeps both; the digest
 * is what gets pulled.
 *
 * @param registry {@code docker.io}, {@code ghcr.io}, {@code localhost:5000}, {@code [::1]:5000}
 * @param repository the path below the registry, e.g. {@code library/busybox}
 * @param tag the tag, or null
 * @param digest the digest, or null
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
  /** The name Docker Hub has in references. */
  public static final String DOCKER_HUB = "docker.io";

  /** The host that serves Docker Hub's registry API. */
  public static final String DOCKER_HUB_API = "registry-1.docker.io";

  public static final String DEFAULT_TAG = "latest";
  private static final int MAX_NAME_LENGTH = 255;

  private static final Pattern DOMAIN_COMPONENT =
      Pattern.compile("(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])");
  private static final Pattern DOMAIN =
      Pattern.compile(
          "(?:"
              + DOMAIN_COMPONENT.pattern()
              + "(?:\\."
              + DOMAIN_COMPONENT.pattern()
              + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?");
  private static final Pattern PATH_COMPONENT =
      Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  private static final Pattern HEX64 = Pattern.compile("[a-f0-9]{64}");

  public ImageReference {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(repository, "repository");
    if (!DOMAIN.matcher(registry).matches()) {
      throw new InvalidReferenceException("invalid registry host '" + registry + "'");
    }
    for (String component : repository.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new InvalidReferenceException(
            "invalid repository '"
                + repository
                + "': each path component must be lowercase letters and digits, separated by"
                + " '.', '_', '__' or '-'");
      }
    }
    if (tag != null && !TAG.matcher(tag).matches()) {
      throw new InvalidReferenceException(
          "invalid tag '"
              + tag
              + "': a tag is 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or"
              + " '-'");
    }
  }

  /**
   * Parses and normalises a reference like {@code busybox}, {@code ghcr.io/org/app:1.2}, {@code
   * localhost:5000/x@sha256:…} or {@code repo:tag@sha256:…}.
   *
   * @throws InvalidReferenceException saying which part is wrong
   */
  public static ImageReference parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new InvalidReferenceException("image reference is empty");
    }
    String rest = text;
    Digest digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      String digestText = rest.substring(at + 1);
      try {
        digest = Digest.parse(digestText);
      } catch (IllegalArgumentException e) {
        throw new InvalidReferenceException(
            "invalid digest in image reference '" + text + "': " + e.getMessage());
      }
      rest = rest.substring(0, at);
    }
    String tag = null;
    int lastColon = rest.lastIndexOf(':');
    if (lastColon > rest.lastIndexOf('/')) {
      tag = rest.substring(lastColon + 1);
      rest = rest.substring(0, lastColon);
      if (!TAG.matcher(tag).matches()) {
        throw new InvalidReferenceException(
            "invalid tag '"
                + tag
                + "' in image reference '"
                + text
                + "': a tag is 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or"
                + " '-'");
      }
    }
    if (rest.isEmpty()) {
      throw new InvalidReferenceException("image reference '" + text + "' has no repository name");
    }
    if (rest.length() > MAX_NAME_LENGTH) {
      throw new InvalidReferenceException(
          "repository name in '" + text + "' is longer than " + MAX_NAME_LENGTH + " characters");
    }
    String registry;
    String repository;
    int slash = rest.indexOf('/');
    String first = slash < 0 ? "" : rest.substring(0, slash);
    if (slash < 0
        || (first.indexOf('.') < 0
            && first.indexOf(':') < 0
            && !first.equals("localhost")
            && first.toLowerCase(Locale.ROOT).equals(first))) {
      registry = DOCKER_HUB;
      repository = rest;
    } else {
      registry = first;
      repository = rest.substring(slash + 1);
    }
    if (registry.equals("index.docker.io")) {
      registry = DOCKER_HUB;
    }
    if (!DOMAIN.matcher(registry).matches()) {
      throw new InvalidReferenceException(
          "invalid registry '" + registry + "' in image reference '" + text + "'");
    }
    if (registry.equals(DOCKER_HUB) && repository.indexOf('/') < 0) {
      repository = "library/" + repository;
    }
    if (!repository.toLowerCase(Locale.ROOT).equals(repository)) {
      throw new InvalidReferenceException(
          "invalid image reference '" + text + "': repository names must be lowercase");
    }
    if (HEX64.matcher(rest).matches()) {
      throw new InvalidReferenceException(
          "invalid image reference '"
              + text
              + "': a 64-character hex string is an image ID, not a repository name");
    }
    for (String component : repository.split("/", -1)) {
      if (!PATH_COMPONENT.matcher(component).matches()) {
        throw new InvalidReferenceException(
            "invalid image reference '"
                + text
                + "': path component '"
                + component
                + "' must be lowercase letters and digits, separated by '.', '_', '__' or '-'"
                + " (expected [registry/]repository[:tag][@digest])");
      }
    }
    return new ImageReference(registry, repository, tag, digest);
  }

  /** The host (and port) to send API requests to: {@code registry-1.docker.io} for Docker Hub. */
  public String apiHost() {
    return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
  }

  /** Whether this reference is on Docker Hub. */
  public boolean isDockerHub() {
    return registry.equals(DOCKER_HUB);
  }

  /**
   * What to ask the registry's manifest endpoint for: the digest when there is one (it pins the
   * content even if a tag is also given), else the tag, else {@code latest}.
   */
  public String manifestReference() {
    if (digest != null) {
      return digest.toString();
    }
    return tag != null ? tag : DEFAULT_TAG;
  }

  /** The tag, or {@code latest} when neither tag nor digest is given. */
  public String tagOrDefault() {
    return tag != null ? tag : (digest == null ? DEFAULT_TAG : null);
  }

  /** The same repository with {@code newTag} and no digest. */
  public ImageReference withTag(String newTag) {
    return new ImageReference(registry, repository, newTag, null);
  }

  /** The same repository (and tag, for display) pinned to {@code newDigest}. */
  public ImageReference withDigest(Digest newDigest) {
    return new ImageReference(registry, repository, tag, newDigest);
  }

  /** The repository alone, without tag or digest. */
  public ImageReference repositoryOnly() {
    return new ImageReference(registry, repository, null, null);
  }

  /** Whether {@code other} lives on the same registry (so a blob can be mounted from it). */
  public boolean sameRegistry(ImageReference other) {
    return registry.equals(other.registry);
  }

  /** {@code registry/repository}. */
  public String name() {
    return registry + "/" + repository;
  }

  /**
   * The fully qualified form: {@code docker.io/library/busybox:latest}, {@code
   * ghcr.io/o/a@sha256:…}. Parsing it gives back an equal reference.
   */
  @Override
  public String toString() {
    return name() + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }

  /**
   * The short form Docker prints: {@code busybox:latest}, {@code user/app}, {@code ghcr.io/o/a}.
   */
  public String familiar() {
    String name = name();
    if (registry.equals(DOCKER_HUB)) {
      boolean official = repository.startsWith("library/") && repository.indexOf('/', 8) < 0;
      name = official ? repository.substring(8) : repository;
    }
    return name + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
  }
}
