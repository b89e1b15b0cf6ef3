package dev.kiln.api.request;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code --ssh ID[=SOCKET|KEY[,KEY…]]}: an agent's socket, or private key files (served by an
 * agent kiln runs); an id alone forwards {@code $SSH_AUTH_SOCK}.
 */
public record SshSpec(String id, List<Path> paths) {
  public SshSpec {
    paths = List.copyOf(paths);
  }

  public static SshSpec parse(String text) {
    String trimmed = text.trim();
    int eq = trimmed.indexOf('=');
    if (eq < 0) {
      return new SshSpec(trimmed.isEmpty() ? "default" : trimmed, List.of());
    }
    List<Path> paths = new ArrayList<>();
    for (String p : trimmed.substring(eq + 1).split(",")) {
      if (!p.isBlank()) {
        paths.add(Path.of(p.trim()));
      }
    }
    return new SshSpec(trimmed.substring(0, eq), paths);
  }

  /** Whether {@code path} is a socket (symlinks followed, as buildx does). */
  public static boolean isSocket(Path path) {
    try {
      return ((Integer) Files.getAttribute(path, "unix:mode") & 0170000) == 0140000;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
