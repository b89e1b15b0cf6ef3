package dev.kiln.core.sbom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Python distributions pip (or a distribution's packaging) installed: the core metadata of each
 * {@code *.dist-info/METADATA} and {@code *.egg-info/PKG-INFO}, its {@code Name}, {@code Version}
 * and {@code License-Expression} or {@code License} headers.
 */
final class PythonDistributions implements Cataloger {
  @Override
  public boolean wants(String path) {
    return (path.endsWith(".dist-info/METADATA") || path.endsWith(".egg-info/PKG-INFO"))
        && path.indexOf('/') > 0;
  }

  @Override
  public void read(String path, ImageFiles files, OsRelease os, Consumer<FoundPackage> found)
      throws IOException {
    String name = null;
    String version = null;
    String license = null;
    String expression = null;
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(files.open(path), StandardCharsets.UTF_8))) {
      // The headers end at the first blank line; the long description follows.
      for (String line; (line = in.readLine()) != null && !line.isEmpty(); ) {
        if (line.startsWith("Name: ")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("Version: ")) {
          version = line.substring(9).strip();
        } else if (line.startsWith("License-Expression: ")) {
          expression = line.substring(20).strip();
        } else if (line.startsWith("License: ") && license == null) {
          license = line.substring(9).strip();
        }
      }
    }
    if (name == null || version == null || name.isEmpty() || version.isEmpty()) {
      return;
    }
    // PEP 503 normalisation, as purl's pypi type asks
    String normalized = name.toLowerCase(Locale.ROOT).replaceAll("[-_.]+", "-");
    found.accept(
        new FoundPackage(
            "pypi",
            name,
            version,
            Optional.of("pkg:pypi/" + Purls.encode(normalized) + "@" + Purls.encode(version)),
            Optional.ofNullable(expression != null ? expression : license)
                .filter(l -> !l.isEmpty() && !l.equals("UNKNOWN")),
            "/" + path));
  }
}
