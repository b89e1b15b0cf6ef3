package dev.kiln.maven;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code mvn} run of a sample project: its exit code and its whole log, with the step lines
 * kiln's goals wrote ({@code [INFO] #5 [stage-1 3/6] COPY target/dependency/ lib/ DONE 0.1s}).
 */
record MavenRun(List<String> command, int exitCode, String log) {
  private static final Pattern STEP =
      Pattern.compile("^\\[INFO\\] #(\\d+) \\[([^\\]]*)\\] (.*) (CACHED|DONE \\S+)$");

  /** A step as the log reported it. */
  record Step(int number, String position, String instruction, String outcome) {
    String keyword() {
      return instruction.split(" ", 2)[0];
    }

    boolean cached() {
      return outcome.equals("CACHED");
    }
  }

  MavenRun requireSuccess() {
    if (exitCode != 0) {
      throw new AssertionError(
          "mvn failed with exit code " + exitCode + ": " + command + "\n" + log);
    }
    return this;
  }

  List<Step> steps() {
    List<Step> steps = new ArrayList<>();
    for (String line : log.split("\n")) {
      Matcher m = STEP.matcher(line.stripTrailing());
      if (m.matches()) {
        steps.add(new Step(Integer.parseInt(m.group(1)), m.group(2), m.group(3), m.group(4)));
      }
    }
    return steps;
  }

  /** The steps that produce a layer: RUN, COPY and ADD. */
  List<Step> layerSteps() {
    return steps().stream()
        .filter(s -> List.of("RUN", "COPY", "ADD").contains(s.keyword()))
        .toList();
  }

  /** The log lines the kiln goals wrote (steps, notes, summary). */
  List<String> kilnLines() {
    List<String> lines = new ArrayList<>();
    for (String line : log.split("\n")) {
      if (line.matches("^\\[(INFO|WARNING|ERROR)\\] (#\\d+ |kiln: |built |  -> ).*")) {
        lines.add(line);
      }
    }
    return lines;
  }
}
