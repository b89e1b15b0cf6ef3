package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.kiln.cli.KilnCommand.Subcommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * A run builds the picocli model of the command it names only, and prints exactly what the whole
 * tree prints: help, unknown commands with picocli's suggestion, the version, each command's help
 * and its usage errors.
 */
class CommandTreeTest {
  private final RecordingEngine engine = new RecordingEngine();

  private record Output(int exitCode, String stdout, String stderr) {}

  /** Runs {@code args} the way {@code kiln} does, or with the whole tree when {@code whole}. */
  private Output run(boolean whole, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliEnvironment cli =
        new CliEnvironment(
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of(),
            false,
            () -> engine);
    BiFunction<CommandLine.IFactory, String[], CommandLine> tree =
        whole ? (f, a) -> CommandTree.whole(f) : CommandTree::forArguments;
    int code = Main.execute(tree.apply(Main.factory(cli), args), cli, args);
    return new Output(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** The distinct commands right below the root of the model built for {@code args}. */
  private static Set<String> modelledCommands(String... args) {
    Set<String> names = new TreeSet<>();
    CommandLine root = CommandTree.forArguments(Main.factory(null), args);
    root.getSubcommands().values().forEach(c -> names.add(c.getCommandName()));
    return names;
  }

  @Test
  void eachSubcommandIsListedUnderTheNameAndAliasesItsAnnotationGives() {
    for (Subcommand subcommand : KilnCommand.SUBCOMMANDS) {
      Command annotation = subcommand.type().getAnnotation(Command.class);
      assertEquals(annotation.name(), subcommand.name(), subcommand.type().getName());
      assertEquals(List.of(annotation.aliases()), subcommand.aliases(), subcommand.name());
    }
  }

  @Test
  void aNamedCommandGetsOnlyItsOwnModel() {
    for (Subcommand subcommand : KilnCommand.SUBCOMMANDS) {
      if (Set.of("help", "completion", "man").contains(subcommand.name())) {
        continue;
      }
      List<String> callNames = new ArrayList<>(subcommand.aliases());
      callNames.add(subcommand.name());
      for (String called : callNames) {
        assertEquals(
            Set.of(subcommand.name()), modelledCommands(called, "--help"), "kiln " + called);
      }
    }
    assertEquals(Set.of(), modelledCommands("--version"));
    assertEquals(Set.of(), modelledCommands("-V"));
  }

  @Test
  void helpUnknownCommandsCompletionAndManSeeTheWholeTree() {
    Set<String> all = new TreeSet<>();
    KilnCommand.SUBCOMMANDS.forEach(s -> all.add(s.name()));
    for (List<String> args :
        List.of(
            List.<String>of(),
            List.of("--help"),
            List.of("help", "build"),
            List.of("biuld"),
            List.of("--version", "build"),
            List.of("completion", "bash"),
            List.of("man"))) {
      assertEquals(all, modelledCommands(args.toArray(String[]::new)), args.toString());
    }
  }

  @Test
  void outputIsWhatTheWholeTreePrints() {
    List<List<String>> cases = new ArrayList<>();
    cases.addAll(
        List.of(
            List.of(),
            List.of("--help"),
            List.of("-h"),
            List.of("help"),
            List.of("help", "build"),
            List.of("help", "cp"),
            List.of("help", "cache", "du"),
            List.of("biuld"),
            List.of("buidl", "--tag", "x"),
            List.of("--version"),
            List.of("-V"),
            List.of("-V", "--help"),
            List.of("--help", "build"),
            List.of("version"),
            List.of("nosuch", "--help"),
            List.of("cache", "du", "--help"),
            List.of("cache", "nosuch"),
            List.of("key", "--help")));
    for (Subcommand subcommand : KilnCommand.SUBCOMMANDS) {
      List<String> callNames = new ArrayList<>(subcommand.aliases());
      callNames.add(subcommand.name());
      for (String called : callNames) {
        cases.add(List.of(called, "--help"));
        cases.add(List.of(called, "--no-such-option"));
      }
    }
    for (List<String> args : cases) {
      String[] argv = args.toArray(String[]::new);
      Output whole = run(true, argv);
      Output lazy = run(false, argv);
      assertEquals(whole, lazy, "kiln " + String.join(" ", args));
      assertFalse(whole.stdout().isEmpty() && whole.stderr().isEmpty(), args.toString());
    }
  }

  @Test
  void anUnknownCommandGetsPicocliSuggestionFromEveryName() {
    Output run = run(false, "biuld");
    assertEquals(2, run.exitCode());
    assertEquals(
        "Unmatched argument at index 0: 'biuld'\nDid you mean: kiln pull or kiln build?\n",
        run.stderr());
  }
}
