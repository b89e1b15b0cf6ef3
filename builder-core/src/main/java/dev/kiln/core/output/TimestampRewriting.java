package dev.kiln.core.output;

import dev.kiln.api.request.OutputSpec;
import java.util.List;
import java.util.Optional;

/**
 * buildx's {@code rewrite-timestamp=true}: with {@code SOURCE_DATE_EPOCH}, file times newer than
 * the epoch in the layers the build writes are clamped to it; base image layers are left as they
 * are, and older times are kept. kiln's layer writer clamps that way whenever {@code
 * SOURCE_DATE_EPOCH} is set (the epoch is part of every step's cache key, so a cached layer was
 * clamped too), so the option needs no work of its own: what is left is to say when it cannot do
 * anything, as BuildKit does.
 */
public final class TimestampRewriting {
  private TimestampRewriting() {}

  /** The warning for outputs asking for rewriting in a build without an epoch, if any. */
  public static Optional<String> warning(List<OutputSpec> outputs, Optional<Long> epoch) {
    if (epoch.isPresent() || outputs.stream().noneMatch(OutputSpec::rewriteTimestamp)) {
      return Optional.empty();
    }
    return Optional.of(
        "rewrite-timestamp=true has no effect without SOURCE_DATE_EPOCH: file times stay as they"
            + " are; set SOURCE_DATE_EPOCH (or --source-date-epoch) to clamp them");
  }
}
