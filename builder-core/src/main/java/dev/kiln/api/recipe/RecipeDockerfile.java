package dev.kiln.api.recipe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.request.RequestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An {@link ImageRecipe} written as the Dockerfile kiln's engine builds: {@code FROM}, one {@code
 * COPY --from=layerN} per layer (each layer's source is a named context of its own, so sources from
 * anywhere on disk need no common directory), then the config instructions. Values are quoted or
 * written as JSON so that no character of theirs is read as Dockerfile syntax; what cannot be
 * quoted (a line break, {@code $} in a path) is refused with the value named.
 */
record RecipeDockerfile(
    String base,
    List<LayerSource> layers,
    Map<String, String> environment,
    Map<String, String> labels,
    List<String> ports,
    Optional<List<String>> entrypoint,
    Optional<List<String>> cmd,
    Optional<String> workingDirectory,
    Optional<String> user) {
  /** The named context of a base image read from an OCI layout. */
  static final String BASE = "kiln-recipe-base";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern PORT = Pattern.compile("[0-9]{1,5}(/(tcp|udp|sctp))?");
  private static final Pattern OWNER = Pattern.compile("[A-Za-z0-9_.-]+(:[A-Za-z0-9_.-]+)?");
  private static final Pattern PLAIN = Pattern.compile("[^\\s\"'\\\\$]+");

  static String layerContext(int index) {
    return "kiln-recipe-layer-" + index;
  }

  String text() {
    StringBuilder out = new StringBuilder();
    out.append("FROM ").append(plain("base image", base)).append('\n');
    for (int i = 0; i < layers.size(); i++) {
      LayerSource layer = layers.get(i);
      Path source = layer.source().toAbsolutePath().normalize();
      boolean directory = Files.isDirectory(source);
      if (!directory && !Files.isRegularFile(source)) {
        throw new RequestException(
            "layer " + (i + 1) + ": " + source + " is neither a file nor a directory",
            "build it first, or fix the path");
      }
      String target = absolute("layer " + (i + 1) + " container path", layer.containerPath());
      out.append("COPY --from=").append(layerContext(i));
      layer.owner().ifPresent(o -> out.append(" --chown=").append(matching("owner", o, OWNER)));
      // A directory's contents go into the target directory; a file becomes the target.
      String from = directory ? "." : source.getFileName().toString();
      String to = directory && !target.endsWith("/") ? target + "/" : target;
      out.append(' ').append(json(List.of(checkedPath("layer " + (i + 1), from), to))).append('\n');
    }
    environment.forEach(
        (name, value) ->
            out.append("ENV ")
                .append(matching("environment variable name", name, ENV_NAME))
                .append('=')
                .append(quoted("environment variable " + name, value))
                .append('\n'));
    labels.forEach(
        (key, value) ->
            out.append("LABEL ")
                .append(quoted("label key", key))
                .append('=')
                .append(quoted("label " + key, value))
                .append('\n'));
    for (String port : ports) {
      out.append("EXPOSE ").append(matching("port", port, PORT)).append('\n');
    }
    workingDirectory.ifPresent(
        dir -> out.append("WORKDIR ").append(absolute("working directory", dir)).append('\n'));
    user.ifPresent(u -> out.append("USER ").append(matching("user", u, OWNER)).append('\n'));
    entrypoint.ifPresent(args -> out.append("ENTRYPOINT ").append(json(args)).append('\n'));
    cmd.ifPresent(args -> out.append("CMD ").append(json(args)).append('\n'));
    return out.toString();
  }

  private static String json(List<String> values) {
    List<String> checked = new ArrayList<>();
    for (String value : values) {
      checked.add(noLineBreak("argument", value));
    }
    try {
      return JSON.writeValueAsString(checked);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings is always JSON", e);
    }
  }

  /** A double-quoted word: quotes, backslashes and {@code $} escaped so nothing is expanded. */
  private static String quoted(String what, String value) {
    noLineBreak(what, value);
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\' || c == '$') {
        out.append('\\');
      }
      out.append(c);
    }
    return out.append('"').toString();
  }

  private static String absolute(String what, String path) {
    String checked = checkedPath(what, path);
    if (!checked.startsWith("/")) {
      throw new RequestException(
          what + " '" + path + "' is not an absolute path", "start it with /, e.g. /app");
    }
    return checked;
  }

  /** A path for a JSON-form COPY, which still expands variables: no {@code $} or backslash. */
  private static String checkedPath(String what, String path) {
    noLineBreak(what, path);
    if (path.contains("$") || path.contains("\\")) {
      throw new RequestException(
          what + " '" + path + "' contains $ or \\, which kiln would read as a variable or escape",
          "rename it");
    }
    return path;
  }

  private static String plain(String what, String value) {
    return matching(what, value, PLAIN);
  }

  private static String matching(String what, String value, Pattern pattern) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw new RequestException(
          what + " '" + value + "' is not valid here",
          switch (what) {
            case "port" -> "use e.g. 8080, 8080/tcp or 53/udp";
            case "owner", "user" -> "use USER or USER:GROUP, names or numbers";
            case "environment variable name" ->
                "use letters, digits and _, not starting with a digit";
            default -> "check the value";
          });
    }
    return value;
  }

  private static String noLineBreak(String what, String value) {
    if (value == null) {
      throw new RequestException(what + " is null", "give a value");
    }
    if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
      throw new RequestException(what + " contains a line break", "remove it");
    }
    return value;
  }
}
