package dev.kiln.cli.debug;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln debug}: commands that show what kiln makes of a Dockerfile, without building. */
@Command(
    name = "debug",
    description = "Show how kiln reads a Dockerfile (parse tree, build plan).",
    mixinStandardHelpOptions = true,
    subcommands = {DebugParseCommand.class, DebugPlanCommand.class, DebugTrainCommand.class})
public final class DebugCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
