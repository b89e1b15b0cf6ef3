package dev.kiln.dockerfile.plan;

/**
 * One variable of the environment a RUN sees.
 *
 * @param proxy true for a proxy variable from the build args: pass it to the process, but keep it
 *     out of the image config and the cache key
 */
public record EnvVar(String name, String value, boolean proxy) {
  @Override
  public String toString() {
    return name + "=" + value;
  }
}
