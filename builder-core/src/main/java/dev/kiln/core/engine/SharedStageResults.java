package dev.kiln.core.engine;

import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.SharedStages;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stages a multi-platform build builds once ({@link SharedStages}), passed from the platform
 * that builds them (the first) to the others while all run at the same time. Each shared stage has
 * a future: the first platform's run completes it with the stage's result as soon as the stage is
 * done, or with empty when the stage turned out to be the target's after all (a base image's
 * ONBUILD trigger declared a target ARG, or it reads such a stage), and the other platforms then
 * build it themselves. A first run that stops early fails the futures it never reached, so no other
 * platform waits for ever.
 */
final class SharedStageResults {
  private final List<BuildPlan> plans;
  private final Map<Integer, CompletableFuture<Optional<StageResult>>> futures =
      new ConcurrentHashMap<>();
  private final Set<Integer> confirmed = new HashSet<>();

  /**
   * @param plans the build's plans, one per platform
   * @param shared the stages {@link SharedStages#of} names for them
   */
  SharedStageResults(List<BuildPlan> plans, Set<Integer> shared) {
    this.plans = List.copyOf(plans);
    for (int index : shared) {
      futures.put(index, new CompletableFuture<>());
    }
  }

  /** No stage is shared: a build of one platform. */
  static SharedStageResults none() {
    return new SharedStageResults(List.of(), Set.of());
  }

  boolean isShared(int index) {
    return futures.containsKey(index);
  }

  /** What the platforms that do not build the shared stages take instead: one future per stage. */
  Map<Integer, CompletableFuture<Optional<StageResult>>> given() {
    return Map.copyOf(futures);
  }

  /**
   * The first platform finished shared stage {@code index}: hands it to the others, unless the
   * instructions it ran make it the target's. Called after the stages it reads were published.
   */
  synchronized void publish(int index, StageResult result) {
    Set<Integer> candidates = new HashSet<>(confirmed);
    candidates.add(index);
    boolean stillShared =
        SharedStages.confirmed(plans, candidates, Map.of(index, result.stage().instructions()))
            .contains(index);
    if (stillShared) {
      confirmed.add(index);
      futures.get(index).complete(Optional.of(result));
    } else {
      futures.get(index).complete(Optional.empty());
    }
  }

  /** The first platform's run stopped: every shared stage it did not finish fails with it. */
  void abandon(Throwable cause) {
    for (CompletableFuture<Optional<StageResult>> f : futures.values()) {
      f.completeExceptionally(cause);
    }
  }
}
