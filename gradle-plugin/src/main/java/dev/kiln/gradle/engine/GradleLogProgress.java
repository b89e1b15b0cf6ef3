package dev.kiln.gradle.engine;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.LogLines;
import java.util.function.BiConsumer;

/**
 * A build's progress as plain lines for Gradle's log, as {@link LogLines} makes them, each with the
 * Gradle log level to show it at: step ends, RUN output, pulls, pushes and the summary at {@code
 * lifecycle} (shown by default), warnings and errors as such, step starts at {@code debug} and
 * layers written at {@code info} ({@code gradle --info}).
 */
final class GradleLogProgress implements BuildListener {
  private final LogLines lines;

  GradleLogProgress(BiConsumer<String, String> log) {
    this.lines = new LogLines((level, text) -> log.accept(gradleLevel(level), text));
  }

  private static String gradleLevel(LogLines.Level level) {
    return switch (level) {
      case DEBUG -> "debug";
      case DETAIL -> "info";
      case PROGRESS -> "lifecycle";
      case WARN -> "warn";
      case ERROR -> "error";
    };
  }

  @Override
  public void on(BuildEvent event) {
    lines.on(event);
  }
}
