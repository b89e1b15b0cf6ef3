package dev.kiln.api.event;

import java.util.Optional;

/**
 * Names one step of a build the way a person reads it: {@code #4 [build 2/5] COPY . /src}.
 *
 * @param number build-wide step number, stable for a given Dockerfile and target (BuildKit's {@code
 *     #n})
 * @param stage the stage's name ({@code stage-N} when unnamed), or empty in a single-stage build
 * @param index 1-based position of the step within its stage
 * @param stageSteps number of steps in the stage
 * @param text the instruction as written, shortened to one line
 * @param location {@code Dockerfile:12} when the step comes from a Dockerfile line
 */
public record StepRef(
    int number, String stage, int index, int stageSteps, String text, Optional<String> location) {
  /** {@code [build 2/5] COPY . /src}, or {@code [2/5] COPY . /src} for a single-stage build. */
  public String label() {
    return "[" + (stage.isEmpty() ? "" : stage + " ") + index + "/" + stageSteps + "] " + text;
  }
}
