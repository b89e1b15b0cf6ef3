package dev.kiln.core.engine;

import dev.kiln.cache.buildcache.CacheKey;
import dev.kiln.cache.buildcache.CacheKeyBuilder;
import dev.kiln.core.step.CopyFailure;
import dev.kiln.dockerfile.instructions.InstructionKind;
import dev.kiln.dockerfile.parser.Heredoc;
import java.io.IOException;
import java.util.Objects;

/**
 * The step for each kind of instruction, chosen by an exhaustive {@code switch} (a new instruction
 * kind does not compile until it has one), and the parts of a cache key every step shares.
 */
final class Steps {
  private final BuildScope scope;
  private final ConfigStep config;
  private final WorkdirStep workdir;
  private final CopyStep copy;
  private final RunStep run;

  Steps(BuildScope scope, Sources sources, RunStep run) {
    this.scope = scope;
    this.config = new ConfigStep(scope.write());
    this.workdir = new WorkdirStep(scope.storage(), scope.write());
    this.copy = new CopyStep(scope, sources);
    this.run = run;
  }

  /** The step that handles instructions of {@code kind}. */
  Step of(InstructionKind kind) {
    return switch (kind) {
      case ARG,
              CMD,
              ENTRYPOINT,
              ENV,
              EXPOSE,
              HEALTHCHECK,
              LABEL,
              MAINTAINER,
              ONBUILD,
              SHELL,
              STOPSIGNAL,
              USER,
              VOLUME ->
          config;
      case WORKDIR -> workdir;
      case COPY, ADD -> copy;
      case RUN -> run;
      case FROM ->
          throw new IllegalArgumentException("FROM starts a stage; StageRunner resolves it");
    };
  }

  /**
   * The key of {@code in}'s step after {@code previous}: the instruction as written, the values of
   * the variables it read, the identity of the state it starts from ({@link StateIdentity}: its
   * layers by diffID and its config, times aside; the previous key alone does not fix the input,
   * since a step can run again under the same key, for {@code --no-cache-filter}, a pruned entry or
   * a URL fetched anew, and produce something else), {@code SOURCE_DATE_EPOCH}, the layer
   * compression for steps that write layers, heredoc bodies, and what the step itself reads. Never
   * file times, history times, owners of context files, secret values or cache-mount contents. A
   * step that {@linkplain Step#keysOnOwnInputs keys on its own inputs} leaves out the previous key
   * and the state; the steps after it still read both, the state through what it recorded.
   */
  CacheKey key(CacheKey previous, StepInput in) throws IOException, CopyFailure {
    Step step = of(in.instruction().kind());
    boolean standalone = step.keysOnOwnInputs(in);
    CacheKeyBuilder b =
        (standalone ? CacheKeyBuilder.standalone() : CacheKeyBuilder.after(previous))
            .instruction(in.step().parsed().original())
            .variables(in.step().usedVariables());
    if (!standalone) {
      b.input("state", Objects.requireNonNull(in.state().identity(), "identity of the state"));
    }
    // SOURCE_DATE_EPOCH sets every history time and clamps layer mtimes; a result made without it
    // (or with another) is not the one a reproducible build asks for.
    scope
        .request()
        .sourceDateEpoch()
        .ifPresent(epoch -> b.field("source-date-epoch", Long.toString(epoch)));
    if (step.writesLayers()) {
      // Layers are written compressed as the image output asks; a cached gzip layer is no
      // answer to a zstd build, nor a level-6 one to compression-level=9. (The default level
      // is left unnamed, so keys made before levels were keyed still match.)
      b.field("compression", scope.write().layerOptions().compression().name());
      if (!scope.write().layerOptions().defaultLevelChosen()) {
        b.field("compression-level", Integer.toString(scope.write().layerOptions().level()));
      }
    }
    for (Heredoc doc : in.step().parsed().node().heredocs()) {
      b.heredoc(doc.name(), doc.content());
    }
    step.key(in, b);
    return b.build();
  }
}
