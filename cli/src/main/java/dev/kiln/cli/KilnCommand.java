package dev.kiln.cli;

import dev.kiln.cli.cache.CacheCommand;
import dev.kiln.cli.debug.DebugCommand;
import dev.kiln.cli.image.InspectCommand;
import dev.kiln.cli.image.PullCommand;
import dev.kiln.cli.image.PushCommand;
import dev.kiln.cli.image.TagCommand;
import dev.kiln.cli.login.LoginCommand;
import dev.kiln.cli.login.LogoutCommand;
import dev.kiln.cli.shell.CompletionCommand;
import dev.kiln.cli.shell.ManCommand;
import dev.kiln.cli.sign.KeyCommand;
import dev.kiln.cli.sign.SignCommand;
import dev.kiln.cli.sign.VerifyAttestationCommand;
import dev.kiln.cli.sign.VerifyCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code kiln} command; each verb is one subcommand class. */
@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    description = "Builds OCI images from Dockerfiles without a daemon.",
    footer = {
      "",
      "Exit codes: 0 ok, 1 build failed or no signature verified, 2 usage or Dockerfile error,",
      "3 registry error, 4 internal error, 5 file system error (disk full),",
      "130 interrupted (Ctrl-C)."
    },
    subcommands = {
      BuildCommand.class,
      PushCommand.class,
      PullCommand.class,
      InspectCommand.class,
      TagCommand.class,
      SignCommand.class,
      VerifyCommand.class,
      VerifyAttestationCommand.class,
      KeyCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      VersionCommand.class,
      CompletionCommand.class,
      ManCommand.class,
      DebugCommand.class,
      CacheCommand.class,
      HelpCommand.class
    })
public final class KilnCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
