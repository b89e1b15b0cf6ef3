package dev.kiln.core.sbom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * npm packages: the {@code package.json} of each directory under a {@code node_modules} ({@code
 * node_modules/NAME/} or {@code node_modules/@SCOPE/NAME/}, nested ones too), which is what npm
 * installed; an application's own {@code package.json} is not a dependency and is not listed.
 */
final class NpmPackages implements Cataloger {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long MAX_BYTES = 4 << 20;

  @Override
  public boolean wants(String path) {
    if (!path.endsWith("/package.json")) {
      return false;
    }
    String dir = path.substring(0, path.length() - "/package.json".length());
    int modules = dir.lastIndexOf("node_modules/");
    if (modules < 0 || (modules > 0 && dir.charAt(modules - 1) != '/')) {
      return false;
    }
    String rest = dir.substring(modules + "node_modules/".length());
    return rest.startsWith("@") ? rest.split("/").length == 2 : !rest.contains("/");
  }

  @Override
  public void read(String path, ImageFiles files, OsRelease os, Consumer<FoundPackage> found)
      throws IOException {
    if (files.size(path) > MAX_BYTES) {
      return;
    }
    JsonNode json;
    try (InputStream in = files.open(path)) {
      json = JSON.readTree(in);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return; // not JSON: not a package npm installed
    }
    String name = json.path("name").asText("");
    String version = json.path("version").asText("");
    if (name.isEmpty() || version.isEmpty()) {
      return;
    }
    String purlName =
        name.startsWith("@") && name.contains("/")
            ? Purls.encode(name.substring(0, name.indexOf('/')))
                + "/"
                + Purls.encode(name.substring(name.indexOf('/') + 1))
            : Purls.encode(name);
    JsonNode license = json.path("license");
    found.accept(
        new FoundPackage(
            "npm",
            name,
            version,
            Optional.of("pkg:npm/" + purlName + "@" + Purls.encode(version)),
            license.isTextual() ? Optional.of(license.asText()) : Optional.empty(),
            "/" + path));
  }
}
