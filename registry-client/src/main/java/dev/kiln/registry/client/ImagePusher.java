package dev.kiln.registry.client;

import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.Manifest;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Pushes whole images and indexes in the order that keeps a registry consistent: blobs (config
 * included, in parallel, bounded) before the manifest, an index after its children. Checks first,
 * so that pushing something that is already there costs a HEAD per tag and nothing else.
 *
 * <p>Requests that tell nothing are left out. A manifest pushed under a tag is sent once, by that
 * tag: the registry keeps it by digest too, so a PUT by digest first would only repeat it. And with
 * a tag to push, the manifest is not looked up by digest: the HEAD of the tag has said whether the
 * image is there under that name, and for a new image (the usual case) a HEAD by digest only
 * answers "no"; an image already there under another name costs a HEAD per blob instead, which run
 * in parallel. A push by digest (no tag) still asks by digest, so an unchanged one sends nothing.
 */
final class ImagePusher {
  private final EndpointCaller caller;
  private final BlobPusher blobPusher;
  private final ExecutorService uploads;

  ImagePusher(EndpointCaller caller, BlobPusher blobPusher, ExecutorService uploads) {
    this.caller = caller;
    this.blobPusher = blobPusher;
    this.uploads = uploads;
  }

  PushResult pushImage(ImageReference target, ImageToPush image, List<String> tags)
      throws IOException {
    Manifest manifest = image.manifest();
    List<String> stale = tagsNotAt(target, manifest.digest(), tags);
    if (!tags.isEmpty() && stale.isEmpty()) {
      return result(target, manifest, Map.of(), List.of(), true);
    }
    Map<Digest, PushOutcome> outcomes = Map.of();
    boolean present = present(target, manifest.digest(), tags, stale);
    if (!present) {
      outcomes = pushBlobs(target, image.distinctBlobs());
    }
    if (!present || !stale.isEmpty()) {
      putManifest(target, manifest, stale);
    }
    return result(target, manifest, outcomes, stale, false);
  }

  PushResult pushIndex(ImageReference target, IndexToPush push, List<String> tags)
      throws IOException {
    Manifest index = push.index();
    List<String> stale = tagsNotAt(target, index.digest(), tags);
    if (!tags.isEmpty() && stale.isEmpty()) {
      return result(target, index, Map.of(), List.of(), true);
    }
    Map<Digest, PushOutcome> outcomes = new LinkedHashMap<>();
    boolean present = present(target, index.digest(), tags, stale);
    if (!present) {
      List<ImageToPush> missing = new ArrayList<>();
      for (ImageToPush image : push.images()) {
        if (!exists(target, image.manifest().digest())) {
          missing.add(image);
        }
      }
      Map<Digest, BlobToPush> blobs = new LinkedHashMap<>();
      for (ImageToPush image : missing) {
        for (BlobToPush b : image.distinctBlobs()) {
          blobs.putIfAbsent(b.descriptor().digest(), b);
        }
      }
      outcomes.putAll(pushBlobs(target, List.copyOf(blobs.values())));
      for (ImageToPush image : missing) {
        Manifest m = image.manifest();
        caller.call(new ManifestPut(target, m.digest().toString(), m));
      }
    }
    if (!present || !stale.isEmpty()) {
      putManifest(target, index, stale);
    }
    return result(target, index, outcomes, stale, false);
  }

  /** PUT under each tag that does not already point at it, or by digest when there is no tag. */
  Digest pushManifest(ImageReference target, Manifest manifest, List<String> tags)
      throws IOException {
    List<String> stale = tagsNotAt(target, manifest.digest(), tags);
    if (!tags.isEmpty() && stale.isEmpty()) {
      return manifest.digest();
    }
    putManifest(target, manifest, stale);
    return manifest.digest();
  }

  /**
   * Sends the manifest under each of {@code tags}, or by its digest when there is none. A PUT by
   * tag stores it by digest as well, so the digest is not sent separately.
   */
  private void putManifest(ImageReference target, Manifest manifest, List<String> tags)
      throws IOException {
    if (tags.isEmpty()) {
      caller.call(new ManifestPut(target, manifest.digest().toString(), manifest));
    }
    for (String tag : tags) {
      caller.call(new ManifestPut(target, tag, manifest));
    }
  }

  /**
   * Whether the manifest is known to be in the repository already. With tags, the HEADs of the tags
   * are the whole check: one that points at {@code digest} means yes, otherwise the blobs are
   * checked one by one (see the class comment). Without tags, a HEAD by digest.
   */
  private boolean present(
      ImageReference target, Digest digest, List<String> tags, List<String> stale)
      throws IOException {
    if (!tags.isEmpty()) {
      return stale.size() < tags.size();
    }
    return exists(target, digest);
  }

  /**
   * The tags that do not point at {@code digest} yet. Stops asking after the first stale one: the
   * manifest has to be sent then anyway, and a PUT of a tag is as cheap as a HEAD.
   */
  private List<String> tagsNotAt(ImageReference target, Digest digest, List<String> tags)
      throws IOException {
    List<String> stale = new ArrayList<>();
    for (String tag : tags) {
      if (!stale.isEmpty()) {
        stale.add(tag);
        continue;
      }
      Optional<ManifestHead.Result> head = caller.call(new ManifestHead(target.withTag(tag), true));
      Descriptor at = head.map(ManifestHead.Result::descriptor).orElse(null);
      if (at == null || !at.digest().equals(digest)) {
        stale.add(tag);
      }
    }
    return stale;
  }

  private boolean exists(ImageReference target, Digest digest) throws IOException {
    return caller
        .call(new ManifestHead(target.repositoryOnly().withDigest(digest), true))
        .isPresent();
  }

  /**
   * Pushes blobs on the upload pool and waits for all of them. If any fails, the others still
   * finish (nothing keeps running behind the caller's back), then the first failure is thrown with
   * the rest suppressed, and no manifest is sent.
   */
  private Map<Digest, PushOutcome> pushBlobs(ImageReference target, List<BlobToPush> blobs)
      throws IOException {
    List<Future<PushOutcome>> futures = new ArrayList<>();
    for (BlobToPush b : blobs) {
      futures.add(
          uploads.submit(
              () -> blobPusher.push(target, b.descriptor(), b.content(), b.mountFrom())));
    }
    Map<Digest, PushOutcome> outcomes = new LinkedHashMap<>();
    IOException failure = null;
    for (int i = 0; i < futures.size(); i++) {
      try {
        outcomes.put(blobs.get(i).descriptor().digest(), futures.get(i).get());
      } catch (InterruptedException e) {
        futures.forEach(f -> f.cancel(true));
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while pushing blobs to " + target.name());
      } catch (ExecutionException e) {
        IOException cause =
            e.getCause() instanceof IOException io
                ? io
                : new IOException("pushing " + blobs.get(i).descriptor().digest(), e.getCause());
        if (failure == null) {
          failure = cause;
        } else {
          failure.addSuppressed(cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return outcomes;
  }

  private static PushResult result(
      ImageReference target,
      Manifest manifest,
      Map<Digest, PushOutcome> blobs,
      List<String> tags,
      boolean alreadyPresent) {
    return new PushResult(
        target.repositoryOnly().withDigest(manifest.digest()),
        manifest.descriptor(),
        blobs,
        tags,
        alreadyPresent);
  }
}
