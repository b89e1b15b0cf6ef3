package dev.kiln.core.attest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.core.sbom.FoundPackage;
import dev.kiln.core.sbom.ImageFiles;
import dev.kiln.core.sbom.PackageScan;
import dev.kiln.core.sbom.SpdxDocument;
import java.io.IOException;
import java.util.List;

/**
 * The SBOM attestation's predicate: an SPDX 2.3 document of the packages in the final image's
 * files, under BuildKit's predicate type {@code https://spdx.dev/Document}.
 */
public record SbomPredicate(List<FoundPackage> packages, JsonNode document) {
  public static final String TYPE = "https://spdx.dev/Document";

  /**
   * @param created SPDX's {@code created} ({@code 2024-01-02T03:04:05Z})
   */
  public static SbomPredicate scan(ImageFiles files, String imageName, String created)
      throws IOException {
    return of(PackageScan.scan(files), imageName, created);
  }

  /**
   * @param packages what a scan of the image found
   * @param created SPDX's {@code created} ({@code 2024-01-02T03:04:05Z})
   */
  public static SbomPredicate of(List<FoundPackage> packages, String imageName, String created) {
    return new SbomPredicate(
        packages, SpdxDocument.of(imageName, packages, created, "kiln-" + KilnVersion.get()));
  }
}
