package dev.kiln.core.engine;

import dev.kiln.core.fs.path.HostDirectoryTree;
import dev.kiln.core.fs.path.PathResolver;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Where the {@code source=} of a {@code RUN --mount} is on this machine: resolved inside the root
 * it names (the context, a named context, a stage's or an image's unpacked files) by the one {@link
 * PathResolver}, symlinks included, with BuildKit's rule that {@code ..} and absolute link targets
 * stay inside that root. A Dockerfile can make a stage hold {@code esc -> /etc}; mounted as the
 * kernel would follow it, that is the host's {@code /etc}. Resolved here, it is the stage's own
 * {@code etc}, or not found.
 *
 * <p>The result names a real directory or file, never a symlink, and no component on the way is a
 * symlink either, so the sandbox's bind mount (which follows links in its source) binds exactly it.
 * That stays true until the mount because nothing writes these roots meanwhile: the context and
 * named contexts are the user's and steps only ever see them read-only or as a copy, and a stage's
 * or image's files are unpacked for this one step. A cache, which other steps do write, is mounted
 * whole; its {@code source=} is chosen when it is seeded ({@code RunMounts}).
 */
final class MountSourcePath {
  private MountSourcePath() {}

  /**
   * The host path of {@code source} (canonical, "" for the root) inside {@code root}, which is the
   * files of {@code from}; {@code kind} is the mount's type for messages.
   */
  static Path resolve(Path root, String source, String kind, MountSources.Source from)
      throws IOException {
    HostDirectoryTree tree = new HostDirectoryTree(root);
    PathResolver.Resolution resolution;
    try {
      resolution = PathResolver.resolve(tree, source, true, PathResolver.Escape.CLAMP);
    } catch (IOException e) {
      throw new IOException(
          "RUN --mount="
              + kind
              + ": source \""
              + source
              + "\" in "
              + from.description()
              + ": "
              + e.getMessage(),
          e);
    }
    if (!resolution.found()) {
      String through =
          resolution.path().equals(source) ? "" : " (it resolves to /" + resolution.path() + ")";
      throw new IOException(
          "RUN --mount="
              + kind
              + ": source \""
              + source
              + "\" not found in "
              + from.description()
              + through
              + "; symlinks in a mount source resolve inside "
              + from.description()
              + ", never on the host");
    }
    return tree.hostPath(resolution.path());
  }
}
