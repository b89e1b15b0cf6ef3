package dev.kiln.core.sandbox;

import java.nio.file.Path;

/** An OCI runtime binary: its name ({@code runc}, {@code crun}), path and version line. */
public record OciRuntime(String name, Path path, String version) {
  /**
   * Global options that send the runtime's own messages to {@code log} instead of stderr, so its
   * warnings ("unable to get oom kill count" when rootless on cgroup v1) do not mix with the step's
   * output.
   */
  java.util.List<String> logArguments(Path log) {
    if (name.equals("crun")) {
      return java.util.List.of("--log=file:" + log);
    }
    return java.util.List.of("--log", log.toString(), "--log-format", "json");
  }

  @Override
  public String toString() {
    return name + " " + version + " (" + path + ")";
  }
}
