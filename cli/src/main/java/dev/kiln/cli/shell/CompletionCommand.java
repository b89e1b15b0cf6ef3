package dev.kiln.cli.shell;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kiln completion bash|zsh}: prints the shell completion script picocli generates from
 * kiln's commands and options, so it never falls behind them.
 */
@Command(
    name = "completion",
    mixinStandardHelpOptions = true,
    description = {
      "Print a shell completion script for kiln's commands and options.",
      "bash:  source <(kiln completion bash)   (or save it in /etc/bash_completion.d/kiln)",
      "zsh:   source <(kiln completion zsh)    (uses zsh's bashcompinit)"
    })
public final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  /** The shells the generated script supports. */
  enum Shell {
    bash,
    zsh
  }

  @Parameters(
      index = "0",
      paramLabel = "SHELL",
      description = "bash or zsh (the same script serves both).")
  Shell shell;

  @Override
  public Integer call() {
    // picocli's script sets up bashcompinit itself when it runs under zsh.
    String script = AutoComplete.bash("kiln", spec.root().commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
