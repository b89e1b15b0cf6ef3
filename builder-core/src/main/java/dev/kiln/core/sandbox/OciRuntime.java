package dev.kiln.core.sandbox;

import java.nio.file.Path;

/** An OCI runtime binary: its name ({@code runc}, {@code crun}), path and version line. */
public record OciRuntime(String name, Path path, String version) {
  @Override
  public String toString() {
    return name + " " + version + " (" + path + ")";
  }
}
