package dev.kiln.core.request;

import java.nio.file.Path;

/**
 * Checks a {@link BuildRequest} against the machine before the build starts, so that a value that
 * cannot work fails in a second, with the flag and the value named, instead of after every step has
 * run: each output's destination, {@code --iidfile}, {@code --metadata-file}, a local {@code
 * --cache-to} and kiln's store must be writable.
 */
public final class BuildRequestCheck {
  private BuildRequestCheck() {}

  /**
   * @param storeRoot kiln's store the build will use
   * @throws RequestException naming the first value that cannot work
   */
  public static void check(BuildRequest request, Path storeRoot) {
    DestinationCheck.store(storeRoot);
    request.outputs().forEach(DestinationCheck::output);
    request.iidFile().ifPresent(f -> DestinationCheck.file("--iidfile", f));
    request.metadataFile().ifPresent(f -> DestinationCheck.file("--metadata-file", f));
    for (CacheSpec spec : request.cacheTo()) {
      if (spec.type() == CacheSpec.Type.LOCAL) {
        spec.dir().ifPresent(d -> DestinationCheck.directory("--cache-to dest", d));
      }
    }
  }
}
