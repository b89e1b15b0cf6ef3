package dev.kiln.cli;

import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.cli.progress.ProgressMode;
import dev.kiln.cli.shell.OptionValues;
import picocli.CommandLine.Option;

/** {@code --progress} and {@code -q} for the commands that move images (push, pull). */
public final class ProgressOptions {
  @Option(
      names = "--progress",
      completionCandidates = OptionValues.Progress.class,
      paramLabel = "MODE",
      defaultValue = "auto",
      description =
          "Progress output: auto, tty, plain, rawjson or quiet (default: ${DEFAULT-VALUE}).")
  String progress;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only the result on stdout, no progress (default: off).")
  boolean quiet;

  /** Opens the display on the environment's stderr. */
  public ProgressDisplay open(CliEnvironment cli) {
    ProgressMode mode = quiet ? ProgressMode.QUIET : ProgressMode.parse(progress);
    return ProgressDisplay.open(mode, cli.stderr(), cli.stderrIsTerminal(), cli.env());
  }
}
