package dev.kiln.testdata.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/** Copies a directory of sample projects for a test to build in. */
public final class TreeCopy {
  private TreeCopy() {}

  /** Copies the tree {@code from} to {@code to} (created as needed), byte for byte. */
  public static void copy(Path from, Path to) throws IOException {
    copy(from, to, "", UnaryOperator.identity());
  }

  /**
   * Copies the tree {@code from} to {@code to}, passing the UTF-8 text of each file whose name ends
   * with {@code suffix} ("" for none) through {@code filter}.
   */
  public static void copy(Path from, Path to, String suffix, UnaryOperator<String> filter)
      throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path source : walk.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else if (!suffix.isEmpty() && source.getFileName().toString().endsWith(suffix)) {
          Files.writeString(target, filter.apply(Files.readString(source)), StandardCharsets.UTF_8);
        } else {
          Files.copy(source, target);
        }
      }
    }
  }
}
