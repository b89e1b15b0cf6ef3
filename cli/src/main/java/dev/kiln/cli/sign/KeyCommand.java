package dev.kiln.cli.sign;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln key}: signing keys. */
@Command(
    name = "key",
    description = "Make signing keys for kiln sign, kiln verify and kiln build --sign.",
    mixinStandardHelpOptions = true,
    subcommands = {KeyGenerateCommand.class})
public final class KeyCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
