package dev.kiln.core.engine;

import dev.kiln.api.build.BuildResult;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageConfig;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real engine builds into one kiln cache directory whose store first gets a busybox base image
 * tagged {@value #BASE} (built {@code FROM scratch} + {@code ADD rootfs.tar /} with kiln itself),
 * so Dockerfiles under test start {@code FROM busybox:test} and never touch a registry.
 */
final class BusyboxBuilds {
  static final String BASE = "busybox:test";

  private final Path root;
  private final Path cacheDir;

  private BusyboxBuilds(Path root) {
    this.root = root;
    this.cacheDir = root.resolve("cache");
  }

  /** A fresh cache under {@code root} holding the base image (version "1"). */
  static BusyboxBuilds create(Path root) throws Exception {
    BusyboxBuilds builds = new BusyboxBuilds(root);
    builds.buildBase("1");
    return builds;
  }

  /**
   * (Re)builds {@value #BASE}: the busybox rootfs plus {@code /etc/base-version} holding {@code
   * version}, so another version is the same tag with another digest.
   */
  Built buildBase(String version) throws Exception {
    Path context = Files.createDirectories(root.resolve("base-context"));
    Path tar = context.resolve("rootfs.tar");
    if (!Files.exists(tar)) {
      Files.copy(BusyboxRootfs.tar(), tar);
    }
    Files.writeString(context.resolve("base-version"), version + "\n");
    Files.writeString(
        context.resolve("Dockerfile"),
        "FROM scratch\nADD rootfs.tar /\nCOPY base-version /etc/base-version\n");
    // With SOURCE_DATE_EPOCH the base's digest depends on its content only, in every fixture.
    return build(BuildRequest.builder(context).tag(BASE).sourceDateEpoch(0));
  }

  Path cacheDir() {
    return cacheDir;
  }

  /** A directory under this fixture's root for a test's own files. */
  Path dir(String name) throws IOException {
    return Files.createDirectories(root.resolve(name));
  }

  /**
   * Runs {@code request} into this cache, with the local-store image output when it names none, and
   * records its events.
   */
  Built build(BuildRequest.Builder request) throws Exception {
    EventLog log = new EventLog();
    BuildRequest built = request.cacheDir(cacheDir).build();
    if (built.outputs().stream().noneMatch(o -> o.isImage())) {
      built = request.output(OutputSpecParser.parse("type=image")).build();
    }
    BuildResult result = new Engine().build(built, log);
    return new Built(result, log);
  }

  /** Builds {@code context} and also exports the final stage's files to a fresh directory. */
  Built buildAndExport(BuildRequest.Builder request) throws Exception {
    Path out = Files.createTempDirectory(root, "export-");
    Files.delete(out);
    request.output(OutputSpecParser.parse("type=image"));
    request.output(OutputSpecParser.parse("type=local,dest=" + out));
    Built built = build(request);
    return new Built(built.result(), built.log(), out);
  }

  /** The image config of a build's image, read from the store. */
  ImageConfig config(Built built) throws IOException {
    ContentStore store = ContentStore.open(cacheDir);
    return ImageConfig.parse(
        store.blobReader().readAllBytes(built.result().configDigest().orElseThrow()));
  }

  /** The manifest of a build's image, read from the store. */
  ImageManifest manifest(Built built) throws IOException {
    ContentStore store = ContentStore.open(cacheDir);
    Digest digest = built.result().imageDigest().orElseThrow();
    return ImageManifest.parse(
        store.blobReader().readAllBytes(digest), built.result().manifestMediaType().orElseThrow());
  }

  /** One build's result, events, and exported files (if it exported them). */
  record Built(BuildResult result, EventLog log, Path files) {
    Built(BuildResult result, EventLog log) {
      this(result, log, null);
    }

    String table() {
      return log.table();
    }

    /** A file of the exported final stage, as text. */
    String file(String path) throws IOException {
      return Files.readString(files.resolve(path), StandardCharsets.UTF_8);
    }
  }
}
