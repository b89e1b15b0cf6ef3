package dev.kiln.core.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who kiln runs as on the host, read from {@code /proc/self/status} (no native code needed). */
public record HostIdentity(int uid, int gid) {

  /** The identity of this JVM (real ids). */
  public static HostIdentity current() {
    try {
      int uid = -1;
      int gid = -1;
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          uid = Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
        } else if (line.startsWith("Gid:")) {
          gid = Integer.parseInt(line.substring(4).trim().split("\\s+")[0]);
        }
      }
      if (uid < 0 || gid < 0) {
        throw new IllegalStateException("no Uid/Gid lines in /proc/self/status");
      }
      return new HostIdentity(uid, gid);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/status", e);
    }
  }

  /** Whether kiln runs as root (and so needs no user namespace). */
  public boolean isRoot() {
    return uid == 0;
  }
}
