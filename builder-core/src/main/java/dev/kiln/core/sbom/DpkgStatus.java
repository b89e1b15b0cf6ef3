package dev.kiln.core.sbom;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Debian packages: the stanzas of dpkg's {@code var/lib/dpkg/status} whose {@code Status} ends in
 * {@code installed} (what {@code dpkg-query -W} lists), and the one-package files distroless images
 * keep in {@code var/lib/dpkg/status.d/}.
 */
final class DpkgStatus implements Cataloger {
  @Override
  public boolean wants(String path) {
    return path.equals("var/lib/dpkg/status")
        || (path.startsWith("var/lib/dpkg/status.d/") && !path.endsWith(".md5sums"));
  }

  @Override
  public void read(String path, ImageFiles files, OsRelease os, Consumer<FoundPackage> found)
      throws IOException {
    boolean distroless = path.startsWith("var/lib/dpkg/status.d/");
    try (BufferedReader in =
        new BufferedReader(new InputStreamReader(files.open(path), StandardCharsets.UTF_8))) {
      Map<String, String> stanza = new LinkedHashMap<>();
      String key = null;
      for (String line; (line = in.readLine()) != null; ) {
        if (line.isBlank()) {
          emit(stanza, distroless, path, os, found);
          stanza.clear();
          key = null;
        } else if ((line.startsWith(" ") || line.startsWith("\t")) && key != null) {
          // continuation of a multi-line field (Description, Conffiles): not needed
          continue;
        } else {
          int colon = line.indexOf(':');
          if (colon > 0) {
            key = line.substring(0, colon);
            stanza.put(key, line.substring(colon + 1).strip());
          }
        }
      }
      emit(stanza, distroless, path, os, found);
    }
  }

  private static void emit(
      Map<String, String> stanza,
      boolean distroless,
      String path,
      OsRelease os,
      Consumer<FoundPackage> found) {
    String name = stanza.get("Package");
    String version = stanza.get("Version");
    if (name == null || version == null) {
      return;
    }
    String status = stanza.getOrDefault("Status", distroless ? "install ok installed" : "");
    if (!status.endsWith(" installed")) {
      return; // removed, config-files only, half-installed: not in the image as a package
    }
    String arch = stanza.getOrDefault("Architecture", "");
    StringBuilder purl =
        new StringBuilder("pkg:deb/")
            .append(Purls.encode(os.namespaceOr("debian")))
            .append('/')
            .append(Purls.encode(name))
            .append('@')
            .append(Purls.encode(version));
    String sep = "?";
    if (!arch.isEmpty()) {
      purl.append(sep).append("arch=").append(Purls.encode(arch));
      sep = "&";
    }
    if (!os.distro().isEmpty()) {
      purl.append(sep).append("distro=").append(Purls.encode(os.distro()));
    }
    found.accept(
        new FoundPackage(
            "deb", name, version, Optional.of(purl.toString()), Optional.empty(), "/" + path));
  }
}
