package dev.kiln.core.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * The host's {@code setcap} and {@code getcap} (Debian {@code libcap2-bin}) as {@link HostPrograms}
 * copies them: a busybox step has no tool to set a capability.
 */
final class HostSetcap {
  private HostSetcap() {}

  static Path into(Path dir) {
    return HostPrograms.into(dir, List.of("/usr/sbin/setcap", "/usr/sbin/getcap"));
  }
}
