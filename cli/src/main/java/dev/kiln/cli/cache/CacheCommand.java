package dev.kiln.cli.cache;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code kiln cache}: look at and clean up kiln's build cache and content store. */
@Command(
    name = "cache",
    description = "Show the disk usage of kiln's build cache and content store, or prune them.",
    mixinStandardHelpOptions = true,
    subcommands = {CacheDuCommand.class, CachePruneCommand.class})
public final class CacheCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
