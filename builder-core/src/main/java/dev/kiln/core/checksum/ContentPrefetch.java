package dev.kiln.core.checksum;

import dev.kiln.core.layer.EntryType;
import dev.kiln.core.layer.LayerPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Hashes the not yet known files below a directory on several threads before {@link
 * TreeChecksummer} walks it, so that checksumming a fresh context uses every core rather than one
 * (a context of 10,000 files was hashed at half the speed of {@code sha256sum} on two cores).
 *
 * <p>Only an optimisation: a file whose prefetch fails (unreadable, removed meanwhile) is left out,
 * and the checksummer's own in-order pass reads it again and reports the failure as before, so the
 * error a build shows does not depend on thread timing. Small amounts of work stay on the calling
 * thread, where starting threads would cost more than it saves.
 */
final class ContentPrefetch {
  /** Below this many bytes to read, or fewer files than threads, nothing is prefetched. */
  static final long MIN_BYTES = 256 * 1024;

  private final FileTree tree;
  private final int threads;

  ContentPrefetch(FileTree tree, int threads) {
    this.tree = tree;
    this.threads = threads;
  }

  /** A prefetch with one thread per available core. */
  static ContentPrefetch forCores(FileTree tree) {
    return new ContentPrefetch(tree, Runtime.getRuntime().availableProcessors());
  }

  /**
   * The contents of the regular files below {@code directory} that the tree does not know yet, read
   * in parallel; empty when that would not pay. Paths {@code checksummed} accepts (the checksummer
   * has them already) are skipped, directories with all below them.
   */
  Map<String, FileContent> below(String directory, Predicate<String> checksummed)
      throws IOException {
    if (threads < 2 || !tree.readsInParallel()) {
      return Map.of();
    }
    List<String> files = new ArrayList<>();
    long bytes = unknownFiles(directory, checksummed, files);
    if (files.size() < 2 || bytes < MIN_BYTES) {
      return Map.of();
    }
    Map<String, FileContent> contents = new ConcurrentHashMap<>();
    AtomicInteger next = new AtomicInteger();
    int workers = Math.min(threads, files.size());
    ExecutorService pool = Executors.newFixedThreadPool(workers, ContentPrefetch::daemon);
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        running.add(pool.submit(() -> hashFrom(files, next, contents)));
      }
      for (Future<?> f : running) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while hashing " + tree.description());
    } catch (java.util.concurrent.ExecutionException e) {
      // hashFrom catches what a file throws; anything else is a bug worth seeing.
      throw new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return contents;
  }

  private void hashFrom(List<String> files, AtomicInteger next, Map<String, FileContent> out) {
    for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
      String path = files.get(i);
      try {
        out.put(path, tree.content(path));
      } catch (IOException | RuntimeException e) {
        // Left for the in-order pass, which reports it (see the class comment).
      }
    }
  }

  /**
   * Adds the unknown regular files below {@code directory} to {@code files}; returns their size.
   */
  private long unknownFiles(String directory, Predicate<String> checksummed, List<String> files)
      throws IOException {
    long bytes = 0;
    for (String name : tree.childNames(directory)) {
      String path = LayerPath.child(directory, name);
      Optional<FileMeta> meta = tree.stat(path);
      if (meta.isEmpty() || checksummed.test(path)) {
        continue;
      }
      EntryType type = meta.get().type();
      if (type == EntryType.DIRECTORY) {
        bytes += unknownFiles(path, checksummed, files);
      } else if ((type == EntryType.REGULAR || type == EntryType.HARDLINK)
          && !tree.contentKnown(path)) {
        files.add(path);
        bytes += meta.get().size();
      }
    }
    return bytes;
  }

  private static Thread daemon(Runnable task) {
    Thread t = new Thread(task, "kiln-context-hash");
    t.setDaemon(true);
    return t;
  }
}
