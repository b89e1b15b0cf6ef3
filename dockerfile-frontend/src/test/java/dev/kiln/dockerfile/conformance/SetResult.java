package dev.kiln.dockerfile.conformance;

import java.util.ArrayList;
import java.util.List;

/** Tally of one vector set: passed, failed (with reasons) and deferred to the builder. */
final class SetResult {
  final String name;
  int passed;
  int deferred;
  final List<String> failures = new ArrayList<>();

  SetResult(String name) {
    this.name = name;
  }

  void pass() {
    passed++;
  }

  void fail(String id, String why) {
    failures.add(name + " " + id + ": " + why);
  }

  void defer() {
    deferred++;
  }

  /** Runs one case, counting an unexpected exception as a failure. */
  void run(String id, Check check) {
    try {
      String problem = check.problem();
      if (problem == null) {
        pass();
      } else {
        fail(id, problem);
      }
    } catch (RuntimeException | AssertionError e) {
      fail(id, "unexpected " + e);
    }
  }

  int total() {
    return passed + failures.size();
  }

  String summary() {
    String line = name + ": " + passed + "/" + total();
    if (deferred > 0) {
      line += " (" + deferred + " deferred to the builder)";
    }
    return line;
  }

  /** One case: returns null when it passes, else what went wrong. */
  @FunctionalInterface
  interface Check {
    String problem();
  }
}
