package dev.kiln.cli;

import dev.kiln.api.Kiln;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs {@code kiln build} in-process with the real engine, a store under {@code home}. */
final class RealEngineRun {
  private RealEngineRun() {}

  record Result(int exitCode, String stdout, String stderr) {}

  static Result kiln(Path home, byte[] stdin, String... args) {
    return kiln(home, Map.of(), stdin, args);
  }

  /** As {@link #kiln(Path, byte[], String...)}, with {@code environment} besides {@code HOME}. */
  static Result kiln(Path home, Map<String, String> environment, byte[] stdin, String... args) {
    Map<String, String> env = new java.util.HashMap<>(environment);
    env.put("HOME", home.toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliEnvironment cli =
        new CliEnvironment(
            new ByteArrayInputStream(stdin),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.copyOf(env),
            false,
            Kiln::new);
    int code = Main.run(cli, args);
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** {@code build --progress=plain --cache-dir HOME/store FLAGS... CONTEXT}. */
  static String[] build(Path home, String context, String... flags) {
    List<String> args =
        new ArrayList<>(
            List.of("build", "--progress=plain", "--cache-dir", home.resolve("store").toString()));
    args.addAll(List.of(flags));
    args.add(context);
    return args.toArray(String[]::new);
  }
}
