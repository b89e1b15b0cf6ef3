package dev.kiln.bench.jmh;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one of the machine's own tools through {@code sh -c}, as the practical limit kiln's code is
 * measured against: same data, same JMH iterations, the process start included (a few milliseconds
 * against the hundreds a run over the benchmark data takes).
 */
final class ToolCommand {
  private ToolCommand() {}

  /** Runs {@code script} with {@code $1}, {@code $2}… bound to {@code args}; fails unless it exits 0. */
  static int run(String script, Path... args) throws IOException, InterruptedException {
    List<String> command = new java.util.ArrayList<>(List.of("sh", "-c", script, "bench"));
    for (Path a : args) {
      command.add(a.toString());
    }
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    int exit = p.waitFor();
    if (exit != 0) {
      throw new IOException("'" + script + "' exited with " + exit);
    }
    return exit;
  }
}
