package dev.kiln.cli.progress;

import dev.kiln.api.event.BuildListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The progress renderer a command's {@code --progress} asks for, opened on stderr and closed when
 * the command ends (which stops the live view's timer and shows the cursor again). Builds, pushes
 * and pulls all report through one of these, so they look and parse the same.
 */
public final class ProgressDisplay implements AutoCloseable {
  private final BuildListener listener;
  private final TtyProgress tty;
  private boolean closed;

  private ProgressDisplay(BuildListener listener, TtyProgress tty) {
    this.listener = listener;
    this.tty = tty;
  }

  /**
   * Opens the renderer for {@code mode} ({@link ProgressMode#AUTO} is resolved here).
   *
   * @param env for {@code CI}, {@code TERM} and {@code COLUMNS}
   */
  public static ProgressDisplay open(
      ProgressMode mode, PrintStream stderr, boolean stderrIsTerminal, Map<String, String> env) {
    PrintWriter err = new PrintWriter(stderr, true, StandardCharsets.UTF_8);
    return switch (mode.resolve(stderrIsTerminal, env)) {
      case TTY -> {
        TtyProgress tty = TtyProgress.start(err, TerminalWidth.of(env));
        yield new ProgressDisplay(tty, tty);
      }
      case PLAIN -> new ProgressDisplay(new PlainProgress(err), null);
      case RAWJSON -> new ProgressDisplay(new JsonProgress(err), null);
      default -> new ProgressDisplay(BuildListener.NONE, null);
    };
  }

  public BuildListener listener() {
    return listener;
  }

  /** Whether anything is shown at all (not {@code quiet}). */
  public boolean visible() {
    return listener != BuildListener.NONE;
  }

  /** Ends the live view (once; later calls do nothing). */
  @Override
  public void close() {
    if (tty != null && !closed) {
      tty.close();
    }
    closed = true;
  }
}
