package dev.kiln.core.sbom;

import java.util.Comparator;
import java.util.Optional;

/**
 * A package the scan found in an image.
 *
 * @param ecosystem the package URL type: {@code deb}, {@code apk}, {@code maven}, {@code npm},
 *     {@code pypi}
 * @param name as its ecosystem names it ({@code group:artifact} for Maven)
 * @param purl the package URL (purl-spec), when the record says enough to make one
 * @param license the declared license, as the package states it, when it does
 * @param foundAt where in the image the record was read ({@code /var/lib/dpkg/status}, a jar)
 */
public record FoundPackage(
    String ecosystem,
    String name,
    String version,
    Optional<String> purl,
    Optional<String> license,
    String foundAt) {
  /** The order packages are listed in, so the same image gives the same document. */
  public static final Comparator<FoundPackage> ORDER =
      Comparator.comparing(FoundPackage::ecosystem)
          .thenComparing(FoundPackage::name)
          .thenComparing(FoundPackage::version)
          .thenComparing(FoundPackage::foundAt);
}
