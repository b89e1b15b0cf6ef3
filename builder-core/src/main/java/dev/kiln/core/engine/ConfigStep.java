package dev.kiln.core.engine;

import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.core.step.ConfigChange;
import dev.kiln.core.step.ConfigInstructions;
import dev.kiln.dockerfile.instructions.ArgInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.registry.model.ImageConfig;

/**
 * The instructions that only change the image config (ENV, LABEL, USER, CMD, ENTRYPOINT, EXPOSE,
 * VOLUME, SHELL, STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER, ARG): {@link ConfigInstructions}
 * computes the change, this adds the history entry. Nothing but the shared key parts goes into the
 * key: the instruction text, the variables it read and the config it starts from fix the result.
 */
final class ConfigStep implements Step {
  private final WriteSettings write;

  ConfigStep(WriteSettings write) {
    this.write = write;
  }

  @Override
  public void key(StepInput in, CacheKeyBuilder key) {}

  @Override
  public boolean writesLayers() {
    return false;
  }

  @Override
  public StageState execute(StepInput in) {
    Instruction instruction = in.instruction();
    ImageConfig config = in.state().config();
    ConfigChange change =
        ConfigInstructions.apply(
            instruction, config.configOrEmpty(), in.step().imageEnv(), in.cmdSetInStage());
    ImageConfig.Builder b = config.toBuilder().config(change.config());
    change.author().ifPresent(b::author);
    change.createdBy().ifPresent(text -> b.addHistory(StepHistory.entry(write, text, false)));
    return withDeclaredArgs(instruction, in.state().withConfig(b.build()));
  }

  /**
   * {@code state} with the names an ARG declares in scope, which RUN's history text lists. The
   * config does not record them, so a cached ARG step needs this as much as an executed one.
   */
  static StageState withDeclaredArgs(Instruction instruction, StageState state) {
    if (instruction instanceof ArgInstruction arg) {
      return state.withArgs(arg.args().stream().map(a -> a.key()).toList());
    }
    return state;
  }
}
