package dev.kiln.dockerfile.plan;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a build asks of the Dockerfile, beyond the file itself.
 *
 * @param buildArgs {@code --build-arg} values by name
 * @param buildPlatform the platform the build runs on ({@code BUILDPLATFORM})
 * @param targetPlatform the platform the image is for ({@code TARGETPLATFORM})
 * @param target the stage to build ("" for the last stage); matched case-insensitively
 * @param namedContexts names given with {@code --build-context}; they replace images and stages of
 *     the same name
 * @param ignorePatterns the build context's {@code .dockerignore} lines (empty when it has none),
 *     for the CopyIgnoredFile check
 */
public record BuildOptions(
    Map<String, String> buildArgs,
    Platform buildPlatform,
    Platform targetPlatform,
    String target,
    Set<String> namedContexts,
    List<String> ignorePatterns) {
  public BuildOptions {
    buildArgs = Map.copyOf(buildArgs);
    namedContexts = Set.copyOf(namedContexts);
    ignorePatterns = List.copyOf(ignorePatterns);
    target = target == null ? "" : target;
  }

  /** No build args, no target, host platform for both build and target. */
  public static BuildOptions defaults() {
    Platform host = Platform.host();
    return new BuildOptions(Map.of(), host, host, "", Set.of(), List.of());
  }

  public BuildOptions withBuildArgs(Map<String, String> args) {
    return new BuildOptions(
        args, buildPlatform, targetPlatform, target, namedContexts, ignorePatterns);
  }

  public BuildOptions withTarget(String newTarget) {
    return new BuildOptions(
        buildArgs, buildPlatform, targetPlatform, newTarget, namedContexts, ignorePatterns);
  }

  public BuildOptions withPlatforms(Platform build, Platform target) {
    return new BuildOptions(buildArgs, build, target, this.target, namedContexts, ignorePatterns);
  }

  public BuildOptions withNamedContexts(Set<String> names) {
    return new BuildOptions(
        buildArgs, buildPlatform, targetPlatform, target, names, ignorePatterns);
  }

  public BuildOptions withIgnorePatterns(List<String> patterns) {
    return new BuildOptions(
        buildArgs, buildPlatform, targetPlatform, target, namedContexts, patterns);
  }

  /** Build args sorted by name (for stable output). */
  public Map<String, String> sortedBuildArgs() {
    return new TreeMap<>(buildArgs);
  }
}
