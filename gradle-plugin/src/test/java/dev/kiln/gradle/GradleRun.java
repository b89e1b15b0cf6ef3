package dev.kiln.gradle;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code gradle} run of a sample project: its exit code and whole log, with the step lines
 * kiln's tasks wrote ({@code #5 [stage-1 3/6] COPY build/dependency/ lib/ DONE 0.1s}) and the tasks
 * Gradle ran, in order ({@code :jar}, {@code > Task :jar} in newer versions).
 */
record GradleRun(List<String> command, int exitCode, String log) {
  private static final Pattern STEP =
      Pattern.compile("^#(\\d+) \\[([^\\]]*)\\] (.*) (CACHED|DONE \\S+)$");
  private static final Pattern TASK = Pattern.compile("^(?:> Task )?(:[\\w:]+)(?: .*)?$");

  /** A step as the log reported it. */
  record Step(int number, String position, String instruction, String outcome) {
    String keyword() {
      return instruction.split(" ", 2)[0];
    }

    boolean cached() {
      return outcome.equals("CACHED");
    }
  }

  GradleRun requireSuccess() {
    if (exitCode != 0) {
      throw new AssertionError("gradle failed (exit " + exitCode + "): " + command + "\n" + log);
    }
    return this;
  }

  /** The RUN, COPY and ADD steps, the ones that make layers. */
  List<Step> layerSteps() {
    List<Step> steps = new ArrayList<>();
    for (String line : log.split("\n")) {
      Matcher m = STEP.matcher(line);
      if (m.matches()) {
        Step step = new Step(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4));
        if (List.of("RUN", "COPY", "ADD").contains(step.keyword())) {
          steps.add(step);
        }
      }
    }
    return steps;
  }

  /** The tasks Gradle ran, in order. */
  List<String> tasks() {
    List<String> tasks = new ArrayList<>();
    for (String line : log.split("\n")) {
      Matcher m = TASK.matcher(line.strip());
      if (m.matches()) {
        tasks.add(m.group(1));
      }
    }
    return tasks;
  }
}
