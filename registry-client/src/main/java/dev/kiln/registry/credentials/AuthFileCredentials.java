package dev.kiln.registry.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.registry.event.RegistryEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Credentials from a Docker {@code config.json} or a containers {@code auth.json} (podman, buildah,
 * skopeo), which share a format. For a registry it tries, in Docker's order:
 *
 * <ol>
 *   <li>{@code credHelpers[registry]}: a per-registry credential helper;
 *   <li>{@code credsStore}: the default credential helper for every registry;
 *   <li>{@code auths[registry]}: {@code auth} (base64 {@code user:password}), {@code
 *       username}/{@code password}, {@code identitytoken} or {@code registrytoken}.
 * </ol>
 *
 * <p>In auth.json, keys may name a namespace below the registry ({@code quay.io/org}); the most
 * specific matching key wins. A file that does not exist has no credentials; a file that exists but
 * cannot be parsed is an error.
 */
public final class AuthFileCredentials implements CredentialSource {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final String kind;
  private final boolean namespaced;
  private final Function<String, CredentialHelper> helpers;

  private AuthFileCredentials(
      Path file, String kind, boolean namespaced, Function<String, CredentialHelper> helpers) {
    this.file = file;
    this.kind = kind;
    this.namespaced = namespaced;
    this.helpers = helpers;
  }

  /** Docker's {@code config.json}: keys are registries only. */
  public static AuthFileCredentials dockerConfig(
      Path file, Function<String, CredentialHelper> helpers) {
    return new AuthFileCredentials(file, "docker config", false, helpers);
  }

  /** A containers {@code auth.json}: keys may be {@code registry/namespace}. */
  public static AuthFileCredentials containersAuth(
      Path file, Function<String, CredentialHelper> helpers) {
    return new AuthFileCredentials(file, "containers auth file", true, helpers);
  }

  public Path file() {
    return file;
  }

  @Override
  public Optional<FoundCredential> find(String registry, String repository) throws IOException {
    return find(registry, repository, event -> {});
  }

  @Override
  public Optional<FoundCredential> find(
      String registry, String repository, Consumer<RegistryEvent> events) throws IOException {
    JsonNode root = read();
    if (root == null) {
      return Optional.empty();
    }
    String where = kind + " " + file;

    Map.Entry<String, JsonNode> helperEntry =
        bestEntry(root.path("credHelpers"), registry, repository);
    if (helperEntry != null && helperEntry.getValue().isTextual()) {
      String helperName = helperEntry.getValue().textValue();
      Optional<Credential> c =
          askHelper(
              helperName,
              registry,
              where + " (credHelpers[\"" + helperEntry.getKey() + "\"])",
              events);
      if (c.isPresent()) {
        return Optional.of(
            new FoundCredential(
                c.get(),
                "credential helper docker-credential-"
                    + helperName
                    + " (credHelpers in "
                    + where
                    + ")"));
      }
    }

    JsonNode store = root.path("credsStore");
    if (store.isTextual() && !store.textValue().isEmpty()) {
      Optional<Credential> c =
          askHelper(store.textValue(), registry, where + " (credsStore)", events);
      if (c.isPresent()) {
        return Optional.of(
            new FoundCredential(
                c.get(),
                "credential helper docker-credential-"
                    + store.textValue()
                    + " (credsStore in "
                    + where
                    + ")"));
      }
    }

    Map.Entry<String, JsonNode> auth = bestEntry(root.path("auths"), registry, repository);
    if (auth != null) {
      Optional<Credential> c = fromAuthEntry(auth.getValue(), auth.getKey());
      if (c.isPresent()) {
        return Optional.of(
            new FoundCredential(c.get(), where + " (auths[\"" + auth.getKey() + "\"])"));
      }
    }
    return Optional.empty();
  }

  private Optional<Credential> askHelper(
      String helperName, String registry, String where, Consumer<RegistryEvent> events)
      throws IOException {
    CredentialHelper helper = helpers.apply(helperName);
    if (helper.locate().isEmpty()) {
      // Configs copied from Docker Desktop name helpers that do not exist on this machine; Docker
      // fails outright there, kiln warns and goes on so public images still pull.
      events.accept(new RegistryEvent.CredentialHelperMissing(helper.executableName(), where));
      return Optional.empty();
    }
    try {
      return helper.get(RegistryKeys.helperServerUrl(registry));
    } catch (IOException e) {
      throw new IOException(
          "could not get credentials for " + registry + " from " + where + ": " + e.getMessage(),
          e);
    }
  }

  private Optional<Credential> fromAuthEntry(JsonNode entry, String key) throws IOException {
    if (!entry.isObject()) {
      return Optional.empty();
    }
    String identityToken = entry.path("identitytoken").asText("");
    if (!identityToken.isEmpty()) {
      return Optional.of(new Credential.IdentityToken(identityToken));
    }
    String registryToken = entry.path("registrytoken").asText("");
    if (!registryToken.isEmpty()) {
      return Optional.of(new Credential.RegistryToken(registryToken));
    }
    String auth = entry.path("auth").asText("");
    if (!auth.isEmpty()) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IOException(
            kind + " " + file + ": auths[\"" + key + "\"].auth is not valid base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IOException(
            kind + " " + file + ": auths[\"" + key + "\"].auth must encode user:password");
      }
      return Optional.of(
          new Credential.UsernamePassword(
              decoded.substring(0, colon), decoded.substring(colon + 1)));
    }
    String username = entry.path("username").asText("");
    String password = entry.path("password").asText("");
    if (!username.isEmpty() && !password.isEmpty()) {
      return Optional.of(new Credential.UsernamePassword(username, password));
    }
    return Optional.empty();
  }

  private Map.Entry<String, JsonNode> bestEntry(
      JsonNode object, String registry, String repository) {
    if (!object.isObject()) {
      return null;
    }
    Map.Entry<String, JsonNode> best = null;
    int bestScore = -1;
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      int score = RegistryKeys.match(e.getKey(), registry, repository, namespaced);
      if (score > bestScore) {
        best = e;
        bestScore = score;
      }
    }
    return best;
  }

  private JsonNode read() throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw new IOException(kind + " " + file + " is not a JSON object");
      }
      return root;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IOException(kind + " " + file + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public String toString() {
    return kind + " " + file;
  }
}
