package dev.kiln.core.engine;

import dev.kiln.cache.store.ContentStore;
import dev.kiln.core.fs.StackViews;
import dev.kiln.core.image.BlobSource;
import dev.kiln.core.image.StoreBlobSource;
import java.nio.file.Path;

/**
 * Where one build's things live: the content store, where base images are resolved from and into,
 * the views of the stacks of layers the build's stages stand on, a spool directory for temporary
 * files (removed with the build), and the git refs the build resolved (one answer for all its
 * platforms).
 */
record BuildStorage(
    ContentStore store, BaseImages baseImages, StackViews views, Path spool, GitRefs gitRefs) {

  /** A build's storage, with no git ref resolved yet. */
  BuildStorage(ContentStore store, BaseImages baseImages, StackViews views, Path spool) {
    this(store, baseImages, views, spool, new GitRefs());
  }

  /** Blobs already in the content store (layers this build wrote). */
  BlobSource storeBlobs() {
    return new StoreBlobSource(store);
  }
}
