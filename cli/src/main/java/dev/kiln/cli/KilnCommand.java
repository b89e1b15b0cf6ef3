package dev.kiln.cli;

import dev.kiln.cli.cache.CacheCommand;
import dev.kiln.cli.debug.DebugCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code kiln} command; each verb is one subcommand class. */
@Command(
    name = "kiln",
    mixinStandardHelpOptions = true,
    versionProvider = VersionCommand.class,
    description = "Builds OCI images from Dockerfiles without a daemon.",
    subcommands = {
      BuildCommand.class,
      VersionCommand.class,
      DebugCommand.class,
      CacheCommand.class
    })
public final class KilnCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
