package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.Instruction;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One instruction as the executor runs it.
 *
 * @param parsed the instruction as written
 * @param expanded the instruction with its words expanded where BuildKit expands them
 * @param usedVariables the ARG/ENV names (with values) the expansion read: the inputs of this
 *     step's cache key besides the instruction itself. For RUN, the whole non-proxy {@link
 *     #environment} is an input too, because the process sees all of it.
 * @param undefinedVariables names the expansion looked up that were not set
 * @param environment what a RUN at this point sees: stage ENV, the ARGs in scope, and proxy
 *     variables (flagged) from the build args
 * @param imageEnv the image config's Env after this instruction
 */
public record DispatchedInstruction(
    Instruction parsed,
    Instruction expanded,
    Map<String, String> usedVariables,
    Set<String> undefinedVariables,
    List<EnvVar> environment,
    List<String> imageEnv) {
  public DispatchedInstruction {
    usedVariables = Map.copyOf(usedVariables);
    undefinedVariables = Set.copyOf(undefinedVariables);
    environment = immutable(environment);
    imageEnv = immutable(imageEnv);
  }

  /** A copy, unless it is already an immutable view the dispatcher shares between steps. */
  private static <T> List<T> immutable(List<T> list) {
    return list instanceof DeferredList ? list : List.copyOf(list);
  }

  /** The environment without proxy variables, as {@code KEY=VALUE} (for cache keys). */
  public List<String> cacheEnvironment() {
    return environment.stream().filter(e -> !e.proxy()).map(EnvVar::toString).toList();
  }

  /** The full environment as {@code KEY=VALUE}, proxies included (for the RUN process). */
  public List<String> processEnvironment() {
    return environment.stream().map(EnvVar::toString).toList();
  }
}
