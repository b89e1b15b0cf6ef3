package dev.kiln.core.sandbox;

import java.util.ArrayList;
import java.util.List;

/** An {@link OutputListener} that keeps every line, for assertions. */
public final class CollectedOutput implements OutputListener {
  public record Line(StdStream stream, String text) {}

  private final List<Line> lines = new ArrayList<>();

  @Override
  public synchronized void onLine(StdStream stream, String line) {
    lines.add(new Line(stream, line));
  }

  public synchronized List<Line> lines() {
    return List.copyOf(lines);
  }

  public synchronized List<String> stdout() {
    return lines.stream().filter(l -> l.stream() == StdStream.STDOUT).map(Line::text).toList();
  }

  public synchronized List<String> stderr() {
    return lines.stream().filter(l -> l.stream() == StdStream.STDERR).map(Line::text).toList();
  }

  public synchronized String all() {
    StringBuilder out = new StringBuilder();
    for (Line line : lines) {
      out.append(line.stream()).append(": ").append(line.text()).append('\n');
    }
    return out.toString();
  }
}
