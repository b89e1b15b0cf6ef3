package dev.kiln.dockerfile.ignore;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Reading {@code .dockerignore} files, and choosing which one applies to a build. */
public final class IgnoreFile {
  private IgnoreFile() {}

  /**
   * The patterns of a {@code .dockerignore} text: BOM removed, {@code #} comment lines and empty
   * lines dropped, each pattern trimmed and cleaned, a leading {@code /} removed ({@code !} kept).
   */
  public static List<String> parse(String content) {
    List<String> out = new ArrayList<>();
    if (content == null) {
      return out;
    }
    String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
    for (String line : text.split("\n", -1)) {
      if (line.endsWith("\r")) {
        line = line.substring(0, line.length() - 1);
      }
      if (line.startsWith("#")) {
        continue;
      }
      String pattern = line.strip();
      if (pattern.isEmpty()) {
        continue;
      }
      boolean invert = pattern.charAt(0) == '!';
      if (invert) {
        pattern = pattern.substring(1).strip();
      }
      if (!pattern.isEmpty()) {
        pattern = GoPaths.clean(pattern);
        if (pattern.length() > 1 && pattern.charAt(0) == '/') {
          pattern = pattern.substring(1);
        }
      }
      out.add(invert ? "!" + pattern : pattern);
    }
    return out;
  }

  /**
   * The ignore file for a build: {@code <Dockerfile-name>.dockerignore} next to the Dockerfile wins
   * over {@code .dockerignore} at the context root. Empty when neither exists.
   */
  public static Optional<Path> locate(Path contextDir, Path dockerfile) {
    if (dockerfile != null && dockerfile.getFileName() != null) {
      Path specific = dockerfile.resolveSibling(dockerfile.getFileName() + ".dockerignore");
      if (Files.isRegularFile(specific)) {
        return Optional.of(specific);
      }
    }
    Path common = contextDir.resolve(".dockerignore");
    return Files.isRegularFile(common) ? Optional.of(common) : Optional.empty();
  }

  /** The patterns that apply to a build (empty when there is no ignore file). */
  public static List<String> load(Path contextDir, Path dockerfile) throws IOException {
    Optional<Path> file = locate(contextDir, dockerfile);
    if (file.isEmpty()) {
      return List.of();
    }
    return parse(new String(Files.readAllBytes(file.get()), StandardCharsets.UTF_8));
  }
}
