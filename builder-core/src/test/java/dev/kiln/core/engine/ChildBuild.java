package dev.kiln.core.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A {@link BuildMain} in a second JVM, whose output lines the test can wait for and signal. */
final class ChildBuild implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new ArrayList<>();
  private final Thread reader;

  private ChildBuild(Process process) {
    this.process = process;
    this.reader = new Thread(this::readLines, "child-build-output");
    reader.setDaemon(true);
    reader.start();
  }

  static ChildBuild start(Path cacheDir, Path context) throws IOException {
    return start(cacheDir, context, List.of(), Map.of());
  }

  /** A child with {@link BuildMain}'s extra {@code options} and more {@code environment}. */
  static ChildBuild start(
      Path cacheDir, Path context, List<String> options, Map<String, String> environment)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                BuildMain.class.getName(),
                cacheDir.toString(),
                context.toString()));
    command.addAll(options);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(environment);
    return new ChildBuild(builder.start());
  }

  private void readLines() {
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        synchronized (lines) {
          lines.add(line);
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      // The process is gone; its lines so far are what it said.
    }
  }

  boolean isRunning() {
    return process.isAlive();
  }

  /** Waits for a line matching {@code wanted}; fails if the child ends or the time is up first. */
  String await(Predicate<String> wanted, long timeoutSeconds) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    synchronized (lines) {
      int seen = 0;
      while (true) {
        for (; seen < lines.size(); seen++) {
          if (wanted.test(lines.get(seen))) {
            return lines.get(seen);
          }
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0 || !reader.isAlive()) {
          throw new AssertionError("the child build never printed the line; output:\n" + output());
        }
        lines.wait(Math.min(left, 200));
      }
    }
  }

  /** Sends {@code signal} (e.g. {@code INT}) to the child JVM. */
  void signal(String signal) throws Exception {
    int code =
        new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
            .inheritIO()
            .start()
            .waitFor();
    if (code != 0) {
      throw new IllegalStateException("kill -" + signal + " failed with " + code);
    }
  }

  /** Waits for the child to exit and returns its exit code. */
  int waitFor(long timeoutSeconds) throws InterruptedException {
    if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      throw new AssertionError("the child build did not exit; output:\n" + output());
    }
    reader.join(10_000);
    return process.exitValue();
  }

  String output() {
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(60, TimeUnit.SECONDS);
    }
  }
}
