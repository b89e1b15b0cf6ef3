package dev.kiln.registry.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The two keys of Docker's {@code daemon.json} that concern pulling: {@code registry-mirrors}
 * (tried before Docker Hub, for Docker Hub images only; {@code https://host[:port]}, or {@code
 * http://…} for a plain-HTTP mirror) and {@code insecure-registries} ({@code host[:port]} or a CIDR
 * range). Checked as dockerd checks them; the other keys are the daemon's business.
 *
 * @param mirrors mirror locations ({@code host[:port]}), in order
 * @param plainHttpMirrors those given with {@code http://}
 * @param insecureRegistries hosts and CIDR ranges
 */
record DaemonJsonFile(
    Path path,
    List<String> mirrors,
    List<String> plainHttpMirrors,
    List<String> insecureRegistries) {

  static DaemonJsonFile read(Path path) throws IOException {
    String name = path.toString();
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readAllBytes(path));
    } catch (JsonProcessingException e) {
      throw new ConfigFileException(
          name,
          e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
          "not valid JSON: " + e.getOriginalMessage(),
          "fix the file; dockerd refuses it too");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return new DaemonJsonFile(path, List.of(), List.of(), List.of());
    }
    if (!root.isObject()) {
      throw new ConfigFileException(name, 0, "is not a JSON object", "fix the file");
    }
    List<String> mirrors = new ArrayList<>();
    List<String> plain = new ArrayList<>();
    for (String value : strings(root, "registry-mirrors", name)) {
      URI uri;
      try {
        uri = new URI(value.trim());
      } catch (URISyntaxException e) {
        throw invalidMirror(name, value);
      }
      String scheme = uri.getScheme();
      if (scheme == null
          || !(scheme.equals("http") || scheme.equals("https"))
          || uri.getHost() == null
          || !(uri.getRawPath() == null
              || uri.getRawPath().isEmpty()
              || uri.getRawPath().equals("/"))
          || uri.getRawQuery() != null) {
        throw invalidMirror(name, value);
      }
      String location = uri.getRawAuthority();
      mirrors.add(location);
      if (scheme.equals("http")) {
        plain.add(location);
      }
    }
    List<String> insecure = new ArrayList<>();
    for (String value : strings(root, "insecure-registries", name)) {
      String v = value.trim();
      if (v.contains("://")) {
        throw new ConfigFileException(
            name,
            0,
            "insecure registry \"" + value + "\" should not contain '://'",
            "write host[:port] or a CIDR range such as 10.0.0.0/8");
      }
      insecure.add(v);
    }
    return new DaemonJsonFile(path, mirrors, plain, insecure);
  }

  private static ConfigFileException invalidMirror(String file, String value) {
    return new ConfigFileException(
        file,
        0,
        "registry mirror \"" + value + "\" is not an http:// or https:// URL with only a host",
        "write \"https://mirror.example.com\" (no path)");
  }

  private static List<String> strings(JsonNode root, String key, String file) {
    JsonNode node = root.get(key);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new ConfigFileException(
          file, 0, "\"" + key + "\" must be an array of strings", "fix it");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode element : node) {
      if (!element.isTextual()) {
        throw new ConfigFileException(
            file, 0, "\"" + key + "\" must be an array of strings", "fix it");
      }
      out.add(element.asText());
    }
    return out;
  }
}
