package dev.kiln.core.sandbox;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the host programs kiln drives ({@code unshare}, {@code runc}, {@code getfattr}…) on the
 * {@code PATH}, plus the sbin directories a non-root {@code PATH} often lacks. Host programs are
 * always run by absolute path so that a step's environment can never redirect them.
 */
public final class HostTools {
  private HostTools() {}

  /** The executable called {@code name}, if there is one. */
  public static Optional<Path> find(String name) {
    for (String dir : searchPath()) {
      Path candidate = Path.of(dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /**
   * The executable called {@code name}, or a {@link SandboxException} that says which Debian
   * package provides it and what kiln needs it for.
   */
  public static Path require(String name, String debianPackage, String neededFor) {
    return find(name)
        .orElseThrow(
            () ->
                new SandboxException(
                    "kiln needs `"
                        + name
                        + "` "
                        + neededFor
                        + ", but it is not on the PATH; install it (Debian: apt-get install "
                        + debianPackage
                        + ")"));
  }

  private static Set<String> searchPath() {
    Set<String> dirs = new LinkedHashSet<>();
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isEmpty()) {
          dirs.add(dir);
        }
      }
    }
    dirs.add("/usr/local/sbin");
    dirs.add("/usr/local/bin");
    dirs.add("/usr/sbin");
    dirs.add("/usr/bin");
    dirs.add("/sbin");
    dirs.add("/bin");
    return dirs;
  }
}
