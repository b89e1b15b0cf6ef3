package dev.kiln.cli.login;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Docker's {@code config.json} ({@code $DOCKER_CONFIG/config.json}, else {@code
 * ~/.docker/config.json}) as {@code kiln login} and {@code logout} change it: only the entry for
 * one registry changes, every other field (other logins, {@code credHelpers}, {@code proxies}, …)
 * is written back as it was. The file is replaced atomically and readable by its owner only, as it
 * holds passwords.
 */
final class DockerConfigFile {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;

  DockerConfigFile(Path file) {
    this.file = file;
  }

  /** The file Docker uses in this environment. */
  static DockerConfigFile locate(Map<String, String> env, Path home) {
    String dir = env.get("DOCKER_CONFIG");
    Path base = dir != null && !dir.isBlank() ? Path.of(dir) : home.resolve(".docker");
    return new DockerConfigFile(base.resolve("config.json"));
  }

  Path path() {
    return file;
  }

  /**
   * The credential helper that holds {@code registry}'s credentials: its {@code credHelpers} entry,
   * else {@code credsStore}; the name after {@code docker-credential-}.
   */
  Optional<String> helperFor(RegistryHost registry) throws IOException {
    ObjectNode root = read();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("credHelpers").fields();
        it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (registry.matchesKey(e.getKey()) && e.getValue().isTextual()) {
        return Optional.of(e.getValue().textValue());
      }
    }
    JsonNode store = root.path("credsStore");
    return store.isTextual() && !store.textValue().isEmpty()
        ? Optional.of(store.textValue())
        : Optional.empty();
  }

  /** Records {@code username:password} under the registry's key ({@code auths[key].auth}). */
  void storeAuth(RegistryHost registry, String username, String password) throws IOException {
    ObjectNode root = read();
    ObjectNode auths = auths(root);
    removeMatching(auths, registry);
    String auth =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    auths.putObject(registry.configKey()).put("auth", auth);
    write(root);
  }

  /**
   * Records that the registry's credentials live in a helper: an empty {@code auths} entry, as
   * Docker writes, so tools listing logins see it.
   */
  void markHelperLogin(RegistryHost registry) throws IOException {
    ObjectNode root = read();
    ObjectNode auths = auths(root);
    removeMatching(auths, registry);
    auths.putObject(registry.configKey());
    write(root);
  }

  /** Removes every {@code auths} entry for the registry; returns the keys removed. */
  List<String> removeAuth(RegistryHost registry) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    ObjectNode root = read();
    JsonNode auths = root.path("auths");
    if (!auths.isObject()) {
      return List.of();
    }
    List<String> removed = removeMatching((ObjectNode) auths, registry);
    if (!removed.isEmpty()) {
      write(root);
    }
    return removed;
  }

  private static ObjectNode auths(ObjectNode root) {
    JsonNode auths = root.path("auths");
    return auths.isObject() ? (ObjectNode) auths : root.putObject("auths");
  }

  private static List<String> removeMatching(ObjectNode auths, RegistryHost registry) {
    List<String> keys = new ArrayList<>();
    auths
        .fieldNames()
        .forEachRemaining(
            k -> {
              if (registry.matchesKey(k)) {
                keys.add(k);
              }
            });
    keys.forEach(auths::remove);
    return keys;
  }

  private ObjectNode read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return JSON.createObjectNode();
    }
    if (new String(bytes, StandardCharsets.UTF_8).isBlank()) {
      return JSON.createObjectNode();
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IOException(file + " is not valid JSON; fix or remove it: " + e.getMessage(), e);
    }
    if (!(root instanceof ObjectNode object)) {
      throw new IOException(file + " is not a JSON object; fix or remove it");
    }
    return object;
  }

  private void write(ObjectNode root) throws IOException {
    // A linked config.json (dotfile managers do this) is replaced where it really is.
    Path target = Files.isSymbolicLink(file) ? file.toRealPath() : file;
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp =
        Files.createTempFile(
            dir,
            ".config.json.",
            ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try {
      Files.write(temp, JSON.writeValueAsBytes(root));
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
