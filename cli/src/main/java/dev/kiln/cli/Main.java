package dev.kiln.cli;

import picocli.CommandLine;

/** Entry point of the {@code kiln} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs kiln with {@code args} and returns the exit code, without exiting the JVM. */
  public static int run(String... args) {
    return new CommandLine(new KilnCommand()).execute(args);
  }
}
