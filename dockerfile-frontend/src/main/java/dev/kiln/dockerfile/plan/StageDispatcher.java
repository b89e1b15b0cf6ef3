package dev.kiln.dockerfile.plan;

import dev.kiln.dockerfile.instructions.AddInstruction;
import dev.kiln.dockerfile.instructions.ArgDeclaration;
import dev.kiln.dockerfile.instructions.ArgInstruction;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.EnvInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.KeyValue;
import dev.kiln.dockerfile.lint.IgnoredCopySources;
import dev.kiln.dockerfile.lint.LintRule;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.parser.Suggestions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Walks one stage in order with BuildKit's ENV/ARG scoping: the state environment starts as the
 * base image's Env; ENV sets both it and the image config; ARG sets only the state environment,
 * taking its value from a build arg, else its expanded default, else (bare re-declaration) the
 * global value. Words are expanded against the state environment as it is before each instruction.
 */
final class StageDispatcher {
  private StageDispatcher() {}

  static StageDispatch dispatch(
      BuildPlan plan, Stage stage, List<String> baseImageEnv, Map<String, String> baseState) {
    char escape = plan.escapeToken();
    Map<String, String> buildArgs = plan.options().buildArgs();
    StageEnvironment env = new StageEnvironment(baseImageEnv, baseState);
    Map<String, String> proxies = plan.proxyEnv();
    ExpansionBudget budget = new ExpansionBudget();
    List<DispatchedInstruction> steps = new ArrayList<>(stage.instructions().size());
    boolean lintVars = plan.checks().reports(LintRule.UNDEFINED_VAR.ruleName());
    List<ParseWarning> warnings = new ArrayList<>();
    Set<String> declared = new HashSet<>();
    IgnoredCopySources ignored =
        plan.checks().reports(LintRule.COPY_IGNORED_FILE.ruleName())
            ? IgnoredCopySources.of(plan.options().ignorePatterns())
            : null;
    for (Instruction instruction : stage.instructions()) {
      RecordingExpansion ex = new RecordingExpansion(escape, env.current(), budget);
      Instruction expanded;
      try {
        if (instruction instanceof ArgInstruction) {
          expanded = declareArgs((ArgInstruction) instruction, ex, env, buildArgs, plan, budget);
        } else {
          expanded = instruction.expand(ex);
          if (expanded instanceof CopyInstruction) {
            for (String src : ((CopyInstruction) expanded).files().sourcePaths()) {
              if (BuildPlanCompiler.isUrl(src)) {
                throw new DockerfileException(
                    "source can't be a URL for COPY", "use ADD to download a URL");
              }
            }
          }
          if (expanded instanceof EnvInstruction) {
            for (KeyValue kv : ((EnvInstruction) expanded).pairs()) {
              env.setEnv(kv.key(), kv.value());
            }
          }
        }
      } catch (DockerfileException e) {
        throw e.withRangeIfAbsent(instruction.node().keywordRange());
      }
      if (lintVars) {
        undefinedVars(ex.undefined, declared, env.current().keySet(), instruction, warnings);
      }
      if (ignored != null) {
        ignoredSources(ignored, expanded, warnings);
      }
      if (instruction instanceof ArgInstruction arg) {
        arg.args().forEach(a -> declared.add(a.key()));
      }
      steps.add(
          new DispatchedInstruction(
              instruction,
              expanded,
              ex.used,
              ex.undefined,
              env.environmentView(proxies),
              env.imageEnvView()));
    }
    return new StageDispatch(stage, steps, env.imageEnv(), env.finalState(), warnings);
  }

  /**
   * BuildKit's UndefinedVar: a name a word looked up that no ENV, ARG or base image variable set,
   * unless an ARG of this stage declared it (without a value). Shell-form commands are not expanded
   * here, so the shell's own variables are never reported.
   */
  private static void undefinedVars(
      Set<String> undefined,
      Set<String> declared,
      Set<String> defined,
      Instruction instruction,
      List<ParseWarning> out) {
    for (String name : undefined) {
      if (declared.contains(name)) {
        continue;
      }
      String near =
          Suggestions.closest(name, defined, true)
              .map(n -> " (did you mean $" + n + "?)")
              .orElse("");
      out.add(
          LintRule.UNDEFINED_VAR.warning(
              "Usage of undefined variable $" + name + near, instruction.node().range()));
    }
  }

  /** CopyIgnoredFile for a COPY from the build context, or an ADD of local files. */
  private static void ignoredSources(
      IgnoredCopySources ignored, Instruction expanded, List<ParseWarning> out) {
    if (expanded instanceof CopyInstruction copy && copy.from().isEmpty()) {
      ignored.check("COPY", copy.files().sourcePaths(), copy.node().range(), out);
    } else if (expanded instanceof AddInstruction add) {
      List<String> local =
          add.files().sourcePaths().stream()
              .filter(
                  s -> !BuildPlanCompiler.isUrl(s) && !s.startsWith("git@") && !s.contains("://"))
              .toList();
      ignored.check("ADD", local, add.node().range(), out);
    }
  }

  private static ArgInstruction declareArgs(
      ArgInstruction arg,
      RecordingExpansion ex,
      StageEnvironment env,
      Map<String, String> buildArgs,
      BuildPlan plan,
      ExpansionBudget budget) {
    List<ArgDeclaration> resolved = new ArrayList<>(arg.args().size());
    for (ArgDeclaration d : arg.args()) {
      String value = null;
      if (buildArgs.containsKey(d.key())) {
        value = buildArgs.get(d.key());
      } else if (d.defaultValue() != null) {
        // Each default sees the ARGs declared before it on the same line.
        RecordingExpansion own = new RecordingExpansion(plan.escapeToken(), env.current(), budget);
        try {
          value = own.word(d.defaultValue());
        } catch (DockerfileException e) {
          throw e.withRangeIfAbsent(arg.declarationRange(d));
        }
        ex.used.putAll(own.used);
        ex.undefined.addAll(own.undefined);
      } else if (plan.globalArgs().containsKey(d.key())) {
        value = plan.globalArgs().get(d.key());
      }
      if (value != null && !ArgScope.NON_ENV_ARGS.contains(d.key())) {
        env.setArg(d.key(), value);
      }
      resolved.add(d.withDefault(value));
    }
    return new ArgInstruction(arg.node(), resolved);
  }

  /** Sets {@code key} in a config Env list: replaced in place at its first entry, else appended. */
  static void addEnv(List<String> env, String key, String value) {
    for (int i = 0; i < env.size(); i++) {
      String e = env.get(i);
      int eq = e.indexOf('=');
      String k = eq < 0 ? e : e.substring(0, eq);
      if (k.equals(key)) {
        env.set(i, key + "=" + value);
        return;
      }
    }
    env.add(key + "=" + value);
  }

  /** {@link #addEnv} on a copy, for callers outside the dispatcher. */
  static List<String> withEnv(List<String> env, String key, String value) {
    List<String> out = new ArrayList<>(env);
    addEnv(out, key, value);
    return List.copyOf(out);
  }
}
