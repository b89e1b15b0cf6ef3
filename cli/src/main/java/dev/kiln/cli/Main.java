package dev.kiln.cli;

import dev.kiln.api.Kiln;
import dev.kiln.api.build.ImageBuilder;
import java.time.Duration;
import java.util.function.Supplier;
import picocli.CommandLine;

/** Entry point of the {@code kiln} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    silenceLibraryLogging(args);
    allowProxyCredentialsForTunnels();
    InterruptingShutdownHook hook =
        InterruptingShutdownHook.install(Thread.currentThread(), cleanupGrace(args), System.err);
    int code = run(CliEnvironment.system(Main::engine, hook::fired), args);
    hook.commandFinished();
    if (hook.fired()) {
      // The JVM is already shutting down, and the hook ends it with 130; exit() would block.
      return;
    }
    System.exit(code);
  }

  /**
   * Libraries under kiln (Apache HttpClient, through commons-logging) log with java.util.logging,
   * whose default handler prints two-line records on stderr whatever {@code -q} says. kiln's own
   * messages reach the progress display as events, so the handler is removed; {@code --debug} keeps
   * it, for diagnosing a library.
   */
  private static void silenceLibraryLogging(String[] args) {
    if (!java.util.Arrays.asList(args).contains("--debug")) {
      java.util.logging.LogManager.getLogManager().reset();
    }
  }

  /**
   * ADD downloads with the JDK's HTTP client, which by default refuses to answer a proxy's Basic
   * challenge for a CONNECT tunnel ({@code jdk.http.auth.tunneling.disabledSchemes=Basic}), so an
   * {@code https://} URL could not pass a proxy whose credentials {@code HTTPS_PROXY} carries, as
   * it does for docker and skopeo. kiln only hands out those credentials, to that proxy; the
   * property is read once, so it is set before any client exists, and never over the user's own
   * value.
   */
  private static void allowProxyCredentialsForTunnels() {
    if (System.getProperty("jdk.http.auth.tunneling.disabledSchemes") == null) {
      System.setProperty("jdk.http.auth.tunneling.disabledSchemes", "");
    }
  }

  /** Runs kiln in-process with the current System streams and environment. */
  public static int run(String... args) {
    return run(CliEnvironment.system(Main::engine, () -> false), args);
  }

  /** Runs kiln in-process with {@code cli}'s streams and returns the exit code. */
  public static int run(CliEnvironment cli, String... args) {
    return execute(CommandTree.forArguments(factory(cli), args), cli, args);
  }

  /** Runs {@code args} with {@code commandLine}, a model {@link CommandTree} built. */
  static int execute(CommandLine commandLine, CliEnvironment cli, String... args) {
    commandLine.setOut(new java.io.PrintWriter(cli.stdout(), true));
    commandLine.setErr(new java.io.PrintWriter(cli.stderr(), true));
    return commandLine.execute(args);
  }

  /** Creates commands, handing those that need it {@code cli}. */
  static CommandLine.IFactory factory(CliEnvironment cli) {
    return new Factory(cli);
  }

  /**
   * How long Ctrl-C or SIGTERM waits for the command to stop and clean up before kiln exits anyway.
   * A build's RUN must be given time to kill its processes and unmount, which takes well under a
   * second; the bound stays below the 10 s {@code docker stop} allows before SIGKILL, so that
   * kiln's own exit, not a SIGKILL, ends it, and whatever a cut-short cleanup leaves the next build
   * removes. Other commands only remove temp files, and may be blocked in a network read or a
   * terminal prompt that an interrupt does not end, so they are not waited for long.
   */
  static Duration cleanupGrace(String... args) {
    boolean build = args.length > 0 && args[0].equals("build");
    return build ? BUILD_CLEANUP_GRACE : Duration.ofSeconds(3);
  }

  /** See {@link #cleanupGrace}; the README's exit code section names it. */
  static final Duration BUILD_CLEANUP_GRACE = Duration.ofSeconds(5);

  private static ImageBuilder engine() {
    return new Kiln();
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
