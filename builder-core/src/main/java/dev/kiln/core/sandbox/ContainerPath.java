package dev.kiln.core.sandbox;

import java.util.ArrayList;
import java.util.List;

/** Absolute, lexically normalised paths inside a container ({@code /a/b}, root is {@code /}). */
final class ContainerPath {
  private ContainerPath() {}

  /**
   * Normalises {@code path} lexically: relative paths are taken from the root, {@code .} and empty
   * components disappear, {@code ..} never climbs above the root.
   */
  static String normalize(String path) {
    List<String> parts = components(path);
    return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
  }

  /** The non-empty components of the normalised path. */
  static List<String> components(String path) {
    List<String> parts = new ArrayList<>();
    for (String part : path.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (!parts.isEmpty()) {
          parts.remove(parts.size() - 1);
        }
        continue;
      }
      parts.add(part);
    }
    return parts;
  }
}
