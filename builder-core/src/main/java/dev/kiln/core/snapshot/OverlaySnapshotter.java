package dev.kiln.core.snapshot;

import dev.kiln.core.host.HostCommand;
import dev.kiln.core.sandbox.HostTools;
import dev.kiln.core.sandbox.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

/**
 * Mounts overlayfs for each step: the layer directories as lowerdirs, a fresh upperdir and workdir,
 * the merged view as the rootfs. The step's changes are then exactly the upperdir ({@link
 * OverlayDiffer}), so preparing and diffing cost what the step changes, not what the image holds.
 *
 * <p>Mounted with {@code index=off,redirect_dir=off,metacopy=off}: a renamed directory is then
 * copied rather than recorded as a redirect, and a chmod copies the file up whole, so the upper
 * directory is self-contained and readable as a layer. Needs root in the host's mount namespace.
 */
public final class OverlaySnapshotter implements Snapshotter {
  /** The kernel reads at most one page of mount options. */
  private static final int MAX_OPTIONS = 4000;

  private final Path workRoot;
  private final LayerStack.LayerIndexCache indexes = new LayerStack.LayerIndexCache();

  /** Snapshots go under {@code workRoot} (kiln's temp dir), one directory each. */
  public OverlaySnapshotter(Path workRoot) {
    this.workRoot = workRoot.toAbsolutePath();
  }

  @Override
  public SnapshotterKind kind() {
    return SnapshotterKind.OVERLAY;
  }

  @Override
  public Snapshot prepare(List<Path> layers) {
    Path dir;
    try {
      dir = Files.createTempDirectory(Files.createDirectories(workRoot), "overlay-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a snapshot under " + workRoot, e);
    }
    try {
      Path upper = Files.createDirectory(dir.resolve("upper"));
      Path work = Files.createDirectory(dir.resolve("work"));
      Path merged = Files.createDirectory(dir.resolve("merged"));
      List<Path> lowers = new ArrayList<>();
      for (int i = layers.size() - 1; i >= 0; i--) {
        lowers.add(layers.get(i).toAbsolutePath().normalize());
      }
      if (lowers.isEmpty()) {
        lowers.add(Files.createDirectory(dir.resolve("empty")));
      } else {
        copyRootMetadata(lowers.get(0), upper);
      }
      mount(lowers, upper, work, merged);
      return new OverlaySnapshot(dir, upper, merged, new LayerStack(layers, indexes));
    } catch (IOException | RuntimeException e) {
      MountTable.unmountAllUnder(dir);
      TreeCopier.deleteRecursively(dir);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot prepare an overlay snapshot in " + dir, io);
      }
      throw (RuntimeException) e;
    }
  }

  /** The merged root directory takes its metadata from the upper one: make it the image's. */
  private static void copyRootMetadata(Path topLayer, Path upper) throws IOException {
    FileStat root = FileStat.of(topLayer);
    Files.setAttribute(upper, "unix:uid", root.uid());
    Files.setAttribute(upper, "unix:gid", root.gid());
    Files.setAttribute(upper, "unix:mode", root.mode());
    Files.setLastModifiedTime(upper, FileTime.from(root.mtime()));
  }

  static void mount(List<Path> lowersTopFirst, Path upper, Path work, Path merged) {
    for (Path p : lowersTopFirst) {
      checkOptionSafe(p);
    }
    checkOptionSafe(upper);
    checkOptionSafe(work);
    String options = options(lowersTopFirst, upper, work, null);
    Path directory = null;
    if (options.length() > MAX_OPTIONS) {
      // Relative paths from a common parent make the options short enough for many layers.
      directory = commonParent(lowersTopFirst, upper, work);
      options = options(lowersTopFirst, upper, work, directory);
      if (options.length() > MAX_OPTIONS) {
        throw new SnapshotException(
            "too many layers for one overlay mount ("
                + lowersTopFirst.size()
                + "); use --snapshotter=copy");
      }
    }
    Path mount = HostTools.require("mount", "mount", "to mount overlayfs");
    try {
      HostCommand.of(mount.toString(), "-t", "overlay", "overlay", "-o", options, merged.toString())
          .in(directory)
          .finishingWhenInterrupted()
          .run()
          .requireSuccess("mount overlayfs on " + merged);
    } catch (IOException e) {
      throw new SnapshotException(e.getMessage(), e);
    }
  }

  private static String options(List<Path> lowers, Path upper, Path work, Path base) {
    List<String> lowerStrings = new ArrayList<>();
    for (Path p : lowers) {
      lowerStrings.add(base == null ? p.toString() : base.relativize(p).toString());
    }
    return "lowerdir="
        + String.join(":", lowerStrings)
        + ",upperdir="
        + (base == null ? upper : base.relativize(upper))
        + ",workdir="
        + (base == null ? work : base.relativize(work))
        + ",index=off,redirect_dir=off,metacopy=off";
  }

  private static Path commonParent(List<Path> lowers, Path upper, Path work) {
    Path common = upper.getParent();
    List<Path> all = new ArrayList<>(lowers);
    all.add(work);
    for (Path p : all) {
      while (!p.startsWith(common)) {
        common = common.getParent();
      }
    }
    return common;
  }

  private static void checkOptionSafe(Path path) {
    String s = path.toString();
    if (s.contains(",") || s.contains(":") || s.contains("\\")) {
      throw new SnapshotException(
          "overlayfs cannot use " + s + ": paths with ',', ':' or '\\' cannot be mount options");
    }
  }

  private static final class OverlaySnapshot implements Snapshot {
    private final Path dir;
    private final Path upper;
    private final Path merged;
    private final LayerStack layers;

    OverlaySnapshot(Path dir, Path upper, Path merged, LayerStack layers) {
      this.dir = dir;
      this.upper = upper;
      this.merged = merged;
      this.layers = layers;
    }

    @Override
    public Path rootfs() {
      return merged;
    }

    @Override
    public SnapshotDiff diff() {
      return new OverlayDiffer(upper, layers).diff();
    }

    @Override
    public boolean moveChangesTo(Path target) {
      if (Files.exists(target)) {
        return false;
      }
      unmount();
      try {
        Files.move(upper, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return true;
      } catch (IOException e) {
        // Another build published the same layer first, or another file system: keep theirs.
        return false;
      }
    }

    @Override
    public void close() {
      unmount();
      MountTable.unmountAllUnder(dir);
      TreeCopier.deleteRecursively(dir);
    }

    private void unmount() {
      Path umount = HostTools.require("umount", "mount", "to unmount overlayfs");
      if (MountTable.mountPointsUnder(merged).contains(merged)) {
        try {
          HostCommand.Result result =
              HostCommand.of(umount.toString(), merged.toString()).finishingWhenInterrupted().run();
          if (!result.succeeded()) {
            // Something still uses it (a process the step left behind that is still dying):
            // detach it now; the kernel frees it when the last user is gone.
            HostCommand.of(umount.toString(), "--lazy", merged.toString())
                .finishingWhenInterrupted()
                .run()
                .requireSuccess("unmount " + merged);
          }
        } catch (IOException e) {
          throw new SnapshotException(e.getMessage(), e);
        }
      }
    }
  }
}
