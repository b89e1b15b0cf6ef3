package dev.kiln.cli;

import dev.kiln.core.build.Engine;
import dev.kiln.core.build.ImageBuilder;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Entry point of the {@code kiln} command. */
public final class Main {
  private Main() {}

  /** How long Ctrl-C waits for running steps to stop and clean up before the JVM exits anyway. */
  private static final Duration CLEANUP_GRACE = Duration.ofSeconds(30);

  public static void main(String[] args) {
    InterruptingShutdownHook hook =
        InterruptingShutdownHook.install(Thread.currentThread(), CLEANUP_GRACE, System.err);
    int code = run(CliEnvironment.system(Main::engine, hook::fired), args);
    hook.commandFinished();
    if (hook.fired()) {
      // The JVM is already exiting (with 130 for SIGINT); exit() would wait for it forever.
      return;
    }
    System.exit(code);
  }

  /** Runs kiln in-process with the current System streams and environment. */
  public static int run(String... args) {
    return run(CliEnvironment.system(Main::engine, () -> false), args);
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
