package dev.kiln.registry.config;

import dev.kiln.registry.reference.ImageReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Short-name resolution as podman and buildah apply it ({@code containers-registries.conf(5)}),
 * without their prompt, as they behave when not on a terminal:
 *
 * <ol>
 *   <li>a name with a registry ({@code quay.io/x}, {@code localhost/x}, {@code host:5000/x}) is
 *       used as it is;
 *   <li>an alias for the name (tag and digest set aside) is used alone, with the name's tag or
 *       digest;
 *   <li>otherwise each unqualified-search registry makes a candidate; with one there is no
 *       ambiguity; with several, {@code enforcing} is an error, {@code permissive} (the default)
 *       and {@code disabled} try them in order; an empty list is an error.
 * </ol>
 *
 * <p>One difference, so that a machine without registries.conf keeps Docker's meaning: when no file
 * sets {@code unqualified-search-registries} at all, a short name means Docker Hub, as in {@code
 * docker pull}.
 */
final class ShortNames {
  private ShortNames() {}

  /** Whether {@code name} has no registry part ({@code busybox}, {@code library/busybox:1}). */
  static boolean isShortName(String name) {
    int at = name.indexOf('@');
    String rest = at < 0 ? name : name.substring(0, at);
    int slash = rest.indexOf('/');
    if (slash < 0) {
      return true;
    }
    String first = rest.substring(0, slash);
    return first.indexOf('.') < 0 && first.indexOf(':') < 0 && !first.equals("localhost");
  }

  record Alias(String value, String origin) {}

  static ShortNameResolution resolve(
      String name,
      Map<String, Alias> aliases,
      List<String> search,
      String searchOrigin,
      ShortNameMode mode,
      String modeOrigin) {
    if (!isShortName(name)) {
      return ShortNameResolution.of(ImageReference.parse(name));
    }
    ImageReference asDocker = ImageReference.parse(name);
    String suffix =
        (asDocker.tag() == null ? "" : ":" + asDocker.tag())
            + (asDocker.digest() == null ? "" : "@" + asDocker.digest());
    String repository = name.substring(0, name.length() - suffix.length());
    Alias alias = aliases.get(repository);
    if (alias != null && !alias.value().isEmpty()) {
      return new ShortNameResolution(
          List.of(ImageReference.parse(alias.value() + suffix)),
          "resolved \"" + repository + "\" as an alias (" + alias.origin() + ")");
    }
    if (search == null) {
      return ShortNameResolution.of(asDocker);
    }
    if (search.isEmpty()) {
      throw new ShortNameException(
          "short name \""
              + name
              + "\" did not resolve to an alias and no unqualified-search registries are defined in "
              + searchOrigin,
          "name the image with its registry (docker.io/library/"
              + repository
              + "), or list registries in unqualified-search-registries");
    }
    List<ImageReference> candidates = new ArrayList<>();
    for (String registry : search) {
      candidates.add(ImageReference.parse(registry + "/" + name));
    }
    String description =
        "resolving \"" + name + "\" using unqualified-search registries (" + searchOrigin + ")";
    if (candidates.size() > 1 && mode == ShortNameMode.ENFORCING) {
      List<String> names = candidates.stream().map(ImageReference::toString).toList();
      throw new ShortNameException(
          "short name \""
              + name
              + "\" is ambiguous: it could be "
              + String.join(", ", names)
              + " (unqualified-search-registries in "
              + searchOrigin
              + "), and short-name-mode is enforcing in "
              + modeOrigin
              + "; kiln does not prompt",
          "name the image with its registry (e.g. "
              + names.get(0)
              + "), or add an alias: [aliases] \""
              + repository
              + "\" = \""
              + candidates.get(0).name()
              + "\"");
    }
    return new ShortNameResolution(candidates, description);
  }
}
