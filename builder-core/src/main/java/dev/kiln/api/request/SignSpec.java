package dev.kiln.api.request;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --sign key=FILE[,password-env=VAR]}: sign every image the build pushes with the private
 * key in FILE, in cosign's format; an encrypted key's password is read from VAR (default: {@code
 * COSIGN_PASSWORD}).
 */
public record SignSpec(Path key, Optional<String> passwordEnv) {
  public static SignSpec parse(String text) {
    Map<String, List<String>> fields = KeyValueList.parse(text, "--sign");
    for (String k : fields.keySet()) {
      if (!Set.of("key", "password-env").contains(k)) {
        throw new RequestException(
            "--sign '" + text + "': unknown field " + k,
            "write --sign key=FILE[,password-env=VAR]");
      }
    }
    List<String> key = fields.get("key");
    if (key == null || key.isEmpty() || key.get(0).isBlank()) {
      throw new RequestException(
          "--sign '" + text + "' has no key=", "write --sign key=cosign.key (kiln key generate)");
    }
    List<String> env = fields.get("password-env");
    return new SignSpec(
        Path.of(key.get(key.size() - 1)),
        env == null || env.isEmpty() ? Optional.empty() : Optional.of(env.get(env.size() - 1)));
  }
}
