package dev.kiln.core.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.StepRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Every event of one build in the order it arrived, with the views the cache and scheduler tests
 * assert on: how each step ended, and where in the sequence a step started or ended.
 */
final class EventLog implements BuildListener {
  private final List<BuildEvent> events = new ArrayList<>();

  @Override
  public synchronized void on(BuildEvent event) {
    events.add(event);
  }

  synchronized List<BuildEvent> events() {
    return List.copyOf(events);
  }

  /**
   * One line per step in step-number order, {@code "<outcome> <label>"}, where the outcome is
   * {@code hit} (StepCached), {@code ran} (StepCompleted), {@code failed}, {@code cancelled}, or
   * {@code open} (started, never ended). Tests compare this text exactly.
   */
  String table() {
    Map<Integer, String> lines = new TreeMap<>();
    for (BuildEvent e : events()) {
      StepRef step = stepOf(e);
      if (step == null || e instanceof BuildEvent.StepOutput) {
        continue;
      }
      String outcome;
      if (e instanceof BuildEvent.StepStarted) {
        outcome = "open";
      } else if (e instanceof BuildEvent.StepCached) {
        outcome = "hit";
      } else if (e instanceof BuildEvent.StepCompleted) {
        outcome = "ran";
      } else if (e instanceof BuildEvent.StepFailed f) {
        outcome = f.cancelled() ? "cancelled" : "failed";
      } else {
        continue;
      }
      lines.put(step.number(), outcome + " " + step.label());
    }
    StringBuilder text = new StringBuilder();
    lines.values().forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }

  /** Index in {@link #events()} of the first event matching {@code wanted}, or -1. */
  int indexOf(Predicate<BuildEvent> wanted) {
    List<BuildEvent> all = events();
    for (int i = 0; i < all.size(); i++) {
      if (wanted.test(all.get(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Events about steps of {@code stage} (its display name). */
  List<BuildEvent> ofStage(String stage) {
    List<BuildEvent> out = new ArrayList<>();
    for (BuildEvent e : events()) {
      StepRef step = stepOf(e);
      if (step != null && step.stage().equals(stage)) {
        out.add(e);
      }
    }
    return out;
  }

  List<BuildEvent.Warning> warnings() {
    List<BuildEvent.Warning> out = new ArrayList<>();
    for (BuildEvent e : events()) {
      if (e instanceof BuildEvent.Warning w) {
        out.add(w);
      }
    }
    return out;
  }

  static Predicate<BuildEvent> started(String stage, String textStart) {
    return e ->
        e instanceof BuildEvent.StepStarted s
            && s.step().stage().equals(stage)
            && s.step().text().startsWith(textStart);
  }

  static Predicate<BuildEvent> ended(String stage, String textStart) {
    return e -> {
      StepRef step = stepOf(e);
      return step != null
          && !(e instanceof BuildEvent.StepStarted)
          && !(e instanceof BuildEvent.StepOutput)
          && step.stage().equals(stage)
          && step.text().startsWith(textStart);
    };
  }

  static StepRef stepOf(BuildEvent e) {
    if (e instanceof BuildEvent.StepStarted s) {
      return s.step();
    }
    if (e instanceof BuildEvent.StepCached c) {
      return c.step();
    }
    if (e instanceof BuildEvent.StepCompleted c) {
      return c.step();
    }
    if (e instanceof BuildEvent.StepFailed f) {
      return f.step();
    }
    if (e instanceof BuildEvent.StepOutput o) {
      return o.step();
    }
    return null;
  }
}
