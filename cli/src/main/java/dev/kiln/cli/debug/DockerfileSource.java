package dev.kiln.cli.debug;

import dev.kiln.dockerfile.parser.DockerfileErrorRenderer;
import dev.kiln.dockerfile.parser.DockerfileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads the Dockerfile a debug command was pointed at, and reports errors about it. */
final class DockerfileSource {
  final Path path;
  final byte[] bytes;

  private DockerfileSource(Path path, byte[] bytes) {
    this.path = path;
    this.bytes = bytes;
  }

  /** The file, or null after printing why it cannot be read. */
  static DockerfileSource read(Path path, PrintWriter err) {
    try {
      return new DockerfileSource(path, Files.readAllBytes(path));
    } catch (NoSuchFileException e) {
      err.println("kiln: " + path + ": no such file (use -f to name the Dockerfile)");
    } catch (IOException e) {
      err.println("kiln: cannot read " + path + ": " + e.getMessage());
    }
    err.flush();
    return null;
  }

  /** Prints {@code e} as {@code file:line:col: message}, the line, a caret and a hint. */
  void report(DockerfileException e, PrintWriter err) {
    err.print(DockerfileErrorRenderer.render(e, displayName(), bytes));
    err.flush();
  }

  String displayName() {
    return path.toString();
  }
}
