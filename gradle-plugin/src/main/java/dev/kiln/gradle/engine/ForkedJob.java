package dev.kiln.gradle.engine;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The main class of a forked kiln JVM ({@code dev.kiln.gradle.ForkedRunner}): {@code ForkedJob JOB
 * RESULT} reads the job from the properties file JOB, runs it with {@link GradleJob}, writes {@code
 * LEVEL<TAB>line} progress lines to standard output and the result to the properties file RESULT.
 * Anything else that would print to standard output goes to standard error, so the protocol stays
 * clean.
 */
public final class ForkedJob {
  private ForkedJob() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 2) {
      System.err.println("usage: ForkedJob JOB.properties RESULT.properties");
      System.exit(2);
    }
    PrintStream protocol =
        new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    System.setOut(System.err);
    Properties job = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      job.load(in);
    }
    Map<String, String> values = new HashMap<>();
    job.stringPropertyNames().forEach(name -> values.put(name, job.getProperty(name)));
    Map<String, String> result =
        GradleJob.run(
            values,
            (level, line) -> {
              synchronized (protocol) {
                // One line per message: a multi-line message becomes several lines.
                for (String part : line.split("\n", -1)) {
                  protocol.println(level + "\t" + part);
                }
              }
            });
    Properties out = new Properties();
    out.putAll(result);
    try (OutputStream stream = Files.newOutputStream(Path.of(args[1]))) {
      out.store(stream, null);
    }
    System.exit(result.containsKey("error") ? 1 : 0);
  }
}
