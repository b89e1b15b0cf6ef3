package dev.kiln.dockerfile.plan;

/** What a stage (or a COPY --from / RUN --mount from=) starts from or reads. */
public sealed interface StageBase {
  /** A registry image; {@code reference} is the expanded name as written. */
  record Image(String reference) implements StageBase {}

  /** The empty image. */
  record Scratch() implements StageBase {}

  /** Another stage of this Dockerfile. */
  record Stage(int index) implements StageBase {}

  /** A named build context given with {@code --build-context}. */
  record Context(String name) implements StageBase {}
}
