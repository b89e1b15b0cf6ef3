package dev.kiln.api.request;

import dev.kiln.core.output.FileSystemFailures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Checks, before any work, that kiln can write where a flag points: an output's {@code dest}, an
 * {@code --iidfile}, kiln's store. A destination that does not exist yet is fine when the closest
 * directory that does exist takes new files, since kiln creates the rest.
 *
 * <p>Writability is tested by creating (and removing) an empty file there: the only test that
 * answers alike for root (to whom {@code access(2)} says yes almost everywhere), read-only mounts
 * and pseudo file systems like {@code /proc}.
 */
public final class DestinationCheck {
  private DestinationCheck() {}

  /**
   * {@code spec}'s destination, when it writes one: a file for {@code type=oci|docker|tar}, a
   * directory for {@code type=local} and OCI layouts; {@code dest=-} (stdout) needs nothing.
   */
  public static void output(OutputSpec spec) {
    if (spec.dest().isEmpty() || spec.dest().get().toString().equals("-")) {
      return;
    }
    Path dest = spec.dest().get();
    String what =
        "--output type="
            + (spec.type() == OutputSpec.Type.OCI_LAYOUT
                ? "oci,tar=false"
                : spec.type().name().toLowerCase(Locale.ROOT))
            + " dest";
    switch (spec.type()) {
      case LOCAL, OCI_LAYOUT -> directory(what, dest);
      case OCI, DOCKER, TAR -> file(what, dest);
      case IMAGE -> {}
    }
  }

  /** kiln's store at {@code root}: a directory kiln can write, or that it can create. */
  public static void store(Path root) {
    directory("kiln's store", root, "pass --cache-dir DIR (or set KILN_CACHE_DIR) to use another");
  }

  /** {@code dir} is a directory kiln can create files in, or one it can create. */
  public static void directory(String what, Path dir) {
    directory(what, dir, "choose a directory you can write to");
  }

  /** {@code file} can be created or replaced: not a directory, in a place kiln can write. */
  public static void file(String what, Path file) {
    if (Files.isDirectory(file)) {
      throw new RequestException(what + " " + file + " is a directory", "name a file in it");
    }
    Path parent = file.toAbsolutePath().normalize().getParent();
    if (parent != null) {
      directory(what, parent, "choose a file in a directory you can write to", file);
    }
  }

  private static void directory(String what, Path dir, String hint) {
    directory(what, dir, hint, dir);
  }

  private static void directory(String what, Path dir, String hint, Path named) {
    Path existing = dir.toAbsolutePath().normalize();
    while (existing.getParent() != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (!Files.isDirectory(existing)) {
      boolean itself = existing.equals(named.toAbsolutePath().normalize());
      throw new RequestException(
          what + " " + named + (itself ? "" : ": " + existing) + " is not a directory", hint);
    }
    try {
      Files.delete(Files.createTempFile(existing, ".kiln-write-check-", ""));
    } catch (IOException e) {
      String reason = FileSystemFailures.reason(e);
      throw new RequestException(
          what + " " + named + ": cannot create files in " + existing + ": " + reason,
          reason.toLowerCase(Locale.ROOT).contains("read-only")
              ? existing + " is on a read-only file system; " + hint
              : hint);
    }
  }
}
