package dev.kiln.cli.shell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A fish completion script ({@code complete -c kiln ...} lines) made from kiln's picocli model: the
 * commands at each level, each command's options with their descriptions, the words of options that
 * take one of a few ({@link OptionValues}), and files where a value is a path.
 */
final class FishCompletion {
  private FishCompletion() {}

  static String script(CommandLine root) {
    String name = root.getCommandName();
    StringBuilder out = new StringBuilder();
    out.append("# fish completion for ").append(name).append(", made by '");
    out.append(name).append(" completion fish'\n");
    out.append("# use: ").append(name).append(" completion fish | source\n");
    out.append("#  or: ").append(name).append(" completion fish > ~/.config/fish/completions/");
    out.append(name).append(".fish\n");
    // No files where a command name is expected.
    out.append("complete -c ").append(name).append(" -n '__fish_use_subcommand' -f\n");
    commands(out, name, root, List.of());
    return out.toString();
  }

  /** The lines for {@code command}, reached through the subcommand names {@code path}. */
  private static void commands(
      StringBuilder out, String program, CommandLine command, List<String> path) {
    Map<String, CommandLine> subcommands = command.getSubcommands();
    String here = condition(path, subcommands.keySet());
    for (Map.Entry<String, CommandLine> sub : subcommands.entrySet()) {
      if (!sub.getKey().equals(sub.getValue().getCommandName())) {
        continue; // an alias: offered under its command's own name
      }
      out.append("complete -c ").append(program).append(" -n ").append(quote(here));
      out.append(" -f -a ").append(quote(sub.getKey()));
      description(out, sub.getValue().getCommandSpec().usageMessage().description());
      out.append('\n');
    }
    for (OptionSpec option : command.getCommandSpec().options()) {
      if (option.hidden()) {
        continue;
      }
      out.append("complete -c ").append(program).append(" -n ").append(quote(here));
      for (String optionName : option.names()) {
        if (optionName.startsWith("--")) {
          out.append(" -l ").append(optionName.substring(2));
        } else if (optionName.length() == 2) {
          out.append(" -s ").append(optionName.substring(1));
        } else {
          out.append(" -o ").append(optionName.substring(1));
        }
      }
      if (option.arity().max() > 0) {
        List<String> words = new ArrayList<>();
        if (option.completionCandidates() != null) {
          option.completionCandidates().forEach(words::add);
        }
        if (!words.isEmpty()) {
          out.append(" -x -a ").append(quote(String.join(" ", words)));
        } else if (Path.class.isAssignableFrom(option.type())) {
          out.append(" -r -F");
        } else {
          out.append(" -r");
        }
      }
      description(out, option.description());
      out.append('\n');
    }
    for (Map.Entry<String, CommandLine> sub : subcommands.entrySet()) {
      if (sub.getKey().equals(sub.getValue().getCommandName())) {
        List<String> deeper = new ArrayList<>(path);
        deeper.add(sub.getKey());
        commands(out, program, sub.getValue(), deeper);
      }
    }
  }

  /**
   * Where a line applies: at the top, before any command; in a command, once its name (and its
   * parents') was typed, and before one of its own subcommands was.
   */
  private static String condition(List<String> path, Iterable<String> subcommands) {
    List<String> parts = new ArrayList<>();
    if (path.isEmpty()) {
      parts.add("__fish_use_subcommand");
    } else {
      for (String name : path) {
        parts.add("__fish_seen_subcommand_from " + name);
      }
      List<String> own = new ArrayList<>();
      subcommands.forEach(own::add);
      if (!own.isEmpty()) {
        parts.add("not __fish_seen_subcommand_from " + String.join(" ", own));
      }
    }
    return String.join("; and ", parts);
  }

  private static void description(StringBuilder out, String[] lines) {
    if (lines.length > 0 && !lines[0].isBlank()) {
      String first = lines[0].replace("%n", " ").replaceAll("\\$\\{[A-Z-]+}", "").strip();
      out.append(" -d ").append(quote(first));
    }
  }

  /** A fish single-quoted word: only {@code \} and {@code '} need escaping there. */
  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
