package dev.kiln.maven;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.LogLines;
import org.apache.maven.plugin.logging.Log;

/**
 * A build's progress in Maven's log, as {@link LogLines} makes it: step ends, RUN output, finished
 * pulls and pushes and the summary as info lines, warnings and errors as such, step starts and
 * layers written as debug lines ({@code mvn -X}).
 */
final class MavenLogProgress implements BuildListener {
  private final LogLines lines;

  MavenLogProgress(Log log) {
    this.lines =
        new LogLines(
            new LogLines.Sink() {
              @Override
              public void line(LogLines.Level level, String text) {
                switch (level) {
                  case DEBUG, DETAIL -> log.debug(text);
                  case PROGRESS -> log.info(text);
                  case WARN -> log.warn(text);
                  case ERROR -> log.error(text);
                }
              }

              @Override
              public boolean shows(LogLines.Level level) {
                return switch (level) {
                  case DEBUG, DETAIL -> log.isDebugEnabled();
                  case PROGRESS, WARN, ERROR -> true;
                };
              }
            });
  }

  @Override
  public void on(BuildEvent event) {
    lines.on(event);
  }
}
