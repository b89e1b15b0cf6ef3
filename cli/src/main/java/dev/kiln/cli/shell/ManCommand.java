package dev.kiln.cli.shell;

import dev.kiln.cli.BuildInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.codegen.docgen.manpage.ManPageGenerator;

/**
 * {@code kiln man --dir DIR}: writes a man page for kiln and every subcommand, from the same
 * annotations as {@code --help}: troff that {@code man} reads ({@link TroffManPage}), or with
 * {@code --format asciidoc} the AsciiDoc of picocli's {@link ManPageGenerator}, for a manual or a
 * web page.
 */
@Command(
    name = "man",
    mixinStandardHelpOptions = true,
    description = {
      "Write man pages for kiln and each of its commands.",
      "They are troff, as man reads them (kiln.1, kiln-build.1, …):",
      "  kiln man --dir ~/.local/share/man/man1 && man kiln-build",
      "With --format asciidoc they are AsciiDoc (kiln.adoc, kiln-build.adoc, …) instead."
    })
public final class ManCommand implements Callable<Integer> {
  /** The forms a page can be written in. */
  enum Format {
    troff,
    asciidoc
  }

  @Spec CommandSpec spec;

  @Option(
      names = {"-d", "--dir"},
      paramLabel = "DIR",
      defaultValue = "man",
      description = "Where to write the pages (default: ${DEFAULT-VALUE}).")
  Path dir;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "troff",
      description = "troff (man pages) or asciidoc (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() throws IOException {
    Files.createDirectories(dir);
    int result = 0;
    if (format == Format.asciidoc) {
      result =
          ManPageGenerator.generateManPage(dir.toFile(), null, new boolean[0], true, spec.root());
    } else {
      BuildInfo build = BuildInfo.current();
      String version = "kiln " + build.version().orElse("dev");
      String date = build.date().map(d -> d.substring(0, Math.min(10, d.length()))).orElse("");
      for (CommandSpec command : allCommands(spec.root())) {
        String page = new TroffManPage(command, version, date).render();
        Files.writeString(
            dir.resolve(TroffManPage.fileName(command)), page, StandardCharsets.UTF_8);
      }
    }
    spec.commandLine().getErr().println("man pages written to " + dir);
    return result;
  }

  /** {@code root} and every command below it, each once (aliases are the same command). */
  static List<CommandSpec> allCommands(CommandSpec root) {
    List<CommandSpec> out = new ArrayList<>();
    out.add(root);
    for (java.util.Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
      CommandSpec sub = e.getValue().getCommandSpec();
      if (e.getKey().equals(sub.name()) && !sub.usageMessage().hidden()) {
        out.addAll(allCommands(sub));
      }
    }
    return out;
  }
}
