package dev.kiln.core.snapshot;

import dev.kiln.core.sandbox.MountTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * The fallback snapshotter: copies the layers into a fresh directory ({@link TreeCopier}) and finds
 * the step's changes by comparing trees ({@link CopyDiffer}). Needs no mount privilege; costs a
 * copy of the whole rootfs per step (reflinks make that cheap on btrfs and XFS).
 */
public final class CopySnapshotter implements Snapshotter {
  private final Path workRoot;
  private final LayerStack.LayerIndexCache indexes = new LayerStack.LayerIndexCache();

  /** Snapshots go under {@code workRoot} (kiln's temp dir), one directory each. */
  public CopySnapshotter(Path workRoot) {
    this.workRoot = workRoot.toAbsolutePath();
  }

  @Override
  public SnapshotterKind kind() {
    return SnapshotterKind.COPY;
  }

  @Override
  public Snapshot prepare(List<Path> layers) {
    Path dir;
    try {
      dir = Files.createTempDirectory(Files.createDirectories(workRoot), "copy-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a snapshot under " + workRoot, e);
    }
    try {
      Path rootfs = Files.createDirectory(dir.resolve("rootfs"));
      for (Path layer : layers) {
        TreeCopier.apply(
            layer.toAbsolutePath().normalize(),
            rootfs,
            indexes.of(layer.toAbsolutePath().normalize()));
      }
      // The ctime of a file created now is a bound no copied file's ctime exceeds.
      Path marker = Files.createFile(dir.resolve("copied"));
      Instant copiedAt = FileStat.of(marker).ctime();
      return new CopySnapshot(dir, rootfs, new LayerStack(layers, indexes), copiedAt);
    } catch (IOException | RuntimeException e) {
      TreeCopier.deleteRecursively(dir);
      if (e instanceof IOException io) {
        throw new UncheckedIOException("cannot prepare a snapshot in " + dir, io);
      }
      throw (RuntimeException) e;
    }
  }

  private static final class CopySnapshot implements Snapshot {
    private final Path dir;
    private final Path rootfs;
    private final LayerStack layers;
    private final Instant copiedAt;

    CopySnapshot(Path dir, Path rootfs, LayerStack layers, Instant copiedAt) {
      this.dir = dir;
      this.rootfs = rootfs;
      this.layers = layers;
      this.copiedAt = copiedAt;
    }

    @Override
    public Path rootfs() {
      return rootfs;
    }

    @Override
    public SnapshotDiff diff() {
      return new CopyDiffer(rootfs, layers, copiedAt).diff();
    }

    @Override
    public void close() {
      // A sandbox never mounts in kiln's own namespace, but nothing may pin the tree we delete.
      MountTable.unmountAllUnder(dir);
      TreeCopier.deleteRecursively(dir);
    }
  }
}
