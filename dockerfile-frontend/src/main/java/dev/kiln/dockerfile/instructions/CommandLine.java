package dev.kiln.dockerfile.instructions;

import dev.kiln.dockerfile.parser.Heredoc;
import java.util.List;

/**
 * The command of RUN, CMD or ENTRYPOINT.
 *
 * @param args exec form: the argument list; shell form: one element, the command text
 * @param prependShell true for shell form (run through the stage's SHELL)
 * @param files heredoc bodies of RUN, not yet chomped
 */
public record CommandLine(List<String> args, boolean prependShell, List<Heredoc> files) {
  public CommandLine {
    args = List.copyOf(args);
    files = List.copyOf(files);
  }

  /**
   * What a shell-form RUN with heredocs executes, following BuildKit: a single heredoc whose body
   * starts with {@code #!} becomes a script file to run; a single plain heredoc becomes the shell
   * command itself; anything else is passed to the shell as a real heredoc.
   */
  public HeredocCommand heredocCommand() {
    if (files.isEmpty() || args.size() != 1 || !prependShell) {
      return null;
    }
    Heredoc opener = Heredoc.parseWord(args.get(0)).orElse(null);
    if (opener != null) {
      Heredoc first = files.get(0);
      String data = first.chompedContent();
      if (first.content().startsWith("#!")) {
        return new HeredocCommand(HeredocCommand.Kind.SCRIPT, first.name(), data);
      }
      return new HeredocCommand(HeredocCommand.Kind.INLINE, first.name(), data);
    }
    StringBuilder full = new StringBuilder(args.get(0));
    for (Heredoc f : files) {
      full.append('\n').append(f.content()).append(f.name());
    }
    return new HeredocCommand(HeredocCommand.Kind.SHELL, "", full.toString());
  }

  /**
   * How to run a RUN heredoc.
   *
   * @param kind SCRIPT: write {@code text} to a file named {@code name} (mode 0755) and execute it;
   *     INLINE: run {@code text} with the shell; SHELL: run {@code text} (the command line with its
   *     heredocs re-attached) with the shell
   */
  public record HeredocCommand(Kind kind, String name, String text) {
    public enum Kind {
      SCRIPT,
      INLINE,
      SHELL
    }
  }
}
