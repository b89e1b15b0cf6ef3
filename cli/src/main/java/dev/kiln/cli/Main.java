package dev.kiln.cli;

import dev.kiln.core.build.Engine;
import dev.kiln.core.build.ImageBuilder;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Entry point of the {@code kiln} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(CliEnvironment.system(Main::engine), args));
  }

  /** Runs kiln in-process with the current System streams and environment. */
  public static int run(String... args) {
    return run(CliEnvironment.system(Main::engine), args);
  }

  /** Runs kiln in-process with {@code cli}'s streams and returns the exit code. */
  public static int run(CliEnvironment cli, String... args) {
    CommandLine commandLine = new CommandLine(new KilnCommand(), new Factory(cli));
    commandLine.setOut(new java.io.PrintWriter(cli.stdout(), true));
    commandLine.setErr(new java.io.PrintWriter(cli.stderr(), true));
    return commandLine.execute(args);
  }

  private static ImageBuilder engine() {
    return new Engine();
  }

  /** Gives commands that need the environment their {@link CliEnvironment}. */
  private record Factory(CliEnvironment cli) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        return type.getConstructor(CliEnvironment.class).newInstance(cli);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }

  /** The engine supplier tests can replace. */
  static Supplier<ImageBuilder> defaultEngine() {
    return Main::engine;
  }
}
