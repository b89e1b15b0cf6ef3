package dev.kiln.cli.debug;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.DockerfileParser;
import dev.kiln.dockerfile.parser.GoText;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln debug parse [-f FILE]}: prints the parse tree in BuildKit's dump format, one {@code
 * (instruction ...)} line per instruction. Exit 0, or 1 with a located error.
 */
@Command(
    name = "parse",
    description = "Print the parsed Dockerfile in BuildKit's AST dump format.",
    mixinStandardHelpOptions = true)
public final class DebugParseCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-f", "--file"},
      description = "The Dockerfile (default: ${DEFAULT-VALUE}).",
      defaultValue = "Dockerfile")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DockerfileSource source = DockerfileSource.read(file, err);
    if (source == null) {
      return 1;
    }
    try {
      String dump = DockerfileParser.parse(source.bytes).dump() + "\n";
      out.print(new String(GoText.encode(dump), StandardCharsets.UTF_8));
      out.flush();
      return 0;
    } catch (DockerfileException e) {
      source.report(e, err);
      return 1;
    }
  }
}
