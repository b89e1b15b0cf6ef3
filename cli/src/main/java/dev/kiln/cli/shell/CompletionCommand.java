package dev.kiln.cli.shell;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kiln completion bash|zsh|fish}: prints a shell completion script made from kiln's commands
 * and options (picocli's for bash and zsh, {@link FishCompletion} for fish), so it never falls
 * behind them.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script for kiln's commands and options.",
      "bash:  source <(kiln completion bash)   (or save it in /etc/bash_completion.d/kiln)",
      "zsh:   source <(kiln completion zsh)    (uses zsh's bashcompinit)",
      "fish:  kiln completion fish | source",
      "       (or save it as ~/.config/fish/completions/kiln.fish)",
      "Completes commands, options, and the words of --progress, --platform, -o type=..."
    })
public final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The shells the generated script supports. */
  enum Shell {
    bash,
    zsh,
    fish
  }

  @Parameters(
      index = "0",
      paramLabel = "SHELL",
      description = "bash, zsh (the same script serves both) or fish.")
  Shell shell;

  @Override
  public Integer call() {
    // picocli's script sets up bashcompinit itself when it runs under zsh.
    String script =
        shell == Shell.fish
            ? FishCompletion.script(spec.root().commandLine())
            : AutoComplete.bash("kiln", spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
