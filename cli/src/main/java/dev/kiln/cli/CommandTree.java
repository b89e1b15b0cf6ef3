package dev.kiln.cli;

import dev.kiln.cli.KilnCommand.Subcommand;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * The picocli model kiln parses a command line with. Building a command's model reads its
 * annotations, creates the command object (running its class's static initialisers) and makes
 * proxies: building all of them cost about 120 ms of every run (bench/NOTES-speed3-startup.md). A
 * run that names a command gets the root and that one command; a run that needs to see every
 * command (help, an unknown command and the suggestion picocli makes for it, shell completion, man
 * pages) gets the whole tree, in the order {@link KilnCommand#SUBCOMMANDS} lists, so its output is
 * what the annotation-declared tree gave.
 */
final class CommandTree {
  /** Commands that walk the tree from the root: they list, complete or describe every command. */
  private static final Set<String> WHOLE_TREE_COMMANDS = Set.of("help", "completion", "man");

  private static final Set<String> VERSION_OPTIONS = Set.of("-V", "--version");

  private CommandTree() {}

  /** The model {@code args} is parsed with. */
  static CommandLine forArguments(IFactory factory, String... args) {
    if (args.length == 1 && VERSION_OPTIONS.contains(args[0])) {
      // The root prints the version before it looks at any command.
      return root(factory, List.of());
    }
    if (args.length > 0 && !WHOLE_TREE_COMMANDS.contains(args[0])) {
      for (Subcommand subcommand : KilnCommand.SUBCOMMANDS) {
        if (subcommand.isCalled(args[0])) {
          return root(factory, List.of(subcommand));
        }
      }
    }
    // No arguments, an option before the command (root help or version with more), or an unknown
    // command, whose error lists what was meant from all the names.
    return whole(factory);
  }

  /** The root with every command below it. */
  static CommandLine whole(IFactory factory) {
    return root(factory, KilnCommand.SUBCOMMANDS);
  }

  private static CommandLine root(IFactory factory, List<Subcommand> subcommands) {
    CommandLine root = new CommandLine(new KilnCommand(), factory);
    for (Subcommand subcommand : subcommands) {
      try {
        root.addSubcommand(factory.create(subcommand.type()));
      } catch (Exception e) {
        throw new CommandLine.InitializationException(
            "cannot create the command " + subcommand.name() + ": " + e, e);
      }
    }
    return root;
  }
}
