package dev.kiln.core.fs.path;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * Creates the directories that {@link PathResolver} found missing below a root. Everything before
 * the first missing component is a real directory (the resolver never returns a link on the way)
 * and everything from it on did not exist, so each is made with {@code mkdir}, which follows no
 * link: the directories end up inside the root, whatever links the root holds elsewhere.
 */
public final class ConfinedDirectories {
  private ConfinedDirectories() {}

  /**
   * Creates {@code missing.path()} below {@code root} from {@code missing.firstMissing()} on,
   * parent first, each with {@code mode} when one is given (else as the umask leaves it).
   *
   * @param missing a resolution with {@link PathResolver.Status#MISSING}
   */
  public static void create(Path root, PathResolver.Resolution missing, OptionalInt mode)
      throws IOException {
    if (missing.status() != PathResolver.Status.MISSING) {
      throw new IllegalArgumentException("nothing is missing in " + missing);
    }
    String[] parts = missing.path().split("/");
    // firstMissing is a prefix of path: the components after it were appended as plain names.
    int first = missing.firstMissing().split("/").length - 1;
    Path at = root;
    for (int i = 0; i < parts.length; i++) {
      at = at.resolve(parts[i]);
      if (i >= first) {
        Files.createDirectory(at);
        if (mode.isPresent()) {
          Files.setAttribute(at, "unix:mode", mode.getAsInt(), LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }
}
