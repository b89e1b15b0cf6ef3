package dev.kiln.testdata.image;

import dev.kiln.testdata.ProcessRunner;
import java.nio.file.Path;
import java.util.List;

/**
 * Puts an image of an OCI layout into a kiln content store, as a base image a build finds there
 * without a registry. kiln's store is an OCI image layout naming each image by its full reference
 * in {@code org.opencontainers.image.ref.name}, so {@code skopeo copy oci:LAYOUT:TAG
 * oci:STORE:REFERENCE} writes exactly the entry kiln writes when it stores an image; the plugin
 * tests' builds then read it as any stored base.
 */
public final class StoreSeed {
  private StoreSeed() {}

  /**
   * Copies {@code tag} of {@code layout} into the store at {@code store} (created if missing) as
   * {@code reference}, e.g. {@code docker.io/library/busybox:test}.
   *
   * @return {@code store}
   */
  public static Path put(Path layout, String tag, Path store, String reference) {
    ProcessRunner.run(
            List.of(
                "skopeo",
                "--insecure-policy",
                "copy",
                "--quiet",
                "oci:" + layout + ":" + tag,
                "oci:" + store + ":" + reference))
        .requireSuccess();
    return store;
  }
}
