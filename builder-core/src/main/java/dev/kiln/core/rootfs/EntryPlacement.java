package dev.kiln.core.rootfs;

import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.layer.LayerPath;
import dev.kiln.core.layer.UnsafeLayerEntryException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Where a layer entry lands when its layer is applied on top of the entries before it, decided the
 * way a container runtime decides it: the directories in the entry's name are followed through the
 * symlinks already there (an absolute target from the image root, a relative one from the link's
 * directory), so {@code lib/x} with {@code lib -> usr/lib} lands at {@code usr/lib/x}. The entry's
 * own last component is never followed.
 *
 * <p>A symlink whose target climbs above the root would carry the entry out of the image when the
 * layer is extracted; such an entry is refused with an {@link UnsafeLayerEntryException}, exactly
 * as the {@code LayerExtractor} refuses it, so that every reader of a layer (the rootfs index, the
 * files {@code COPY --from} reads, the {@code type=tar} export) agrees on what a layer holds and
 * none of them passes on an entry hidden behind a symlink.
 */
public final class EntryPlacement {
  private static final int MAX_LINK_HOPS = 40;

  /** The symlinks known so far: the target of the symlink at a canonical path, or null. */
  @FunctionalInterface
  public interface Symlinks {
    String targetOf(String path);
  }

  private EntryPlacement() {}

  /**
   * The canonical path where {@code path} (an entry name, or a hardlink's target) lands.
   *
   * @param entryName the entry's name in the tar, for the error message
   */
  public static String place(String entryName, String path, Symlinks links)
      throws LayerFormatException {
    String parent = LayerPath.parent(path);
    if (parent.isEmpty()) {
      return path;
    }
    String directory = directory(entryName, parent, links);
    return directory.equals(parent) ? path : LayerPath.child(directory, LayerPath.name(path));
  }

  /** The canonical path of directory {@code dir} ("" for the root), symlinks followed. */
  public static String directory(String entryName, String dir, Symlinks links)
      throws LayerFormatException {
    List<String> resolved = new ArrayList<>();
    Deque<String> pending = new ArrayDeque<>(List.of(dir.split("/")));
    int hops = 0;
    String lastLink = null;
    while (!pending.isEmpty()) {
      String part = pending.pollFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (resolved.isEmpty()) {
          throw new UnsafeLayerEntryException(
              entryName,
              "goes through symlink '" + lastLink + "', which points outside the image root");
        }
        resolved.remove(resolved.size() - 1);
        continue;
      }
      String candidate = resolved.isEmpty() ? part : String.join("/", resolved) + "/" + part;
      String target = links.targetOf(candidate);
      if (target == null) {
        resolved.add(part);
        continue;
      }
      if (++hops > MAX_LINK_HOPS) {
        throw new LayerFormatException(
            "layer entry '" + entryName + "': too many levels of symlinks at '" + candidate + "'");
      }
      lastLink = candidate;
      if (target.startsWith("/")) {
        resolved.clear();
      }
      String[] parts = target.split("/");
      for (int i = parts.length - 1; i >= 0; i--) {
        pending.addFirst(parts[i]);
      }
    }
    return String.join("/", resolved);
  }
}
