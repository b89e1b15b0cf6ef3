package dev.kiln.cli.progress;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * How many columns the live view may use. It must not be wider than the terminal: a line that wraps
 * takes two rows, and the redraw, which moves the cursor up one row per line, would then overwrite
 * the wrong rows. Shells seldom export {@code COLUMNS}, so without it the terminal is asked ({@code
 * stty size} on {@code /dev/tty}); the JDK has no call for this.
 */
final class TerminalWidth {
  static final int FALLBACK = 80;

  private TerminalWidth() {}

  static int of(Map<String, String> env) {
    String columns = env.get("COLUMNS");
    if (columns != null) {
      try {
        return Integer.parseInt(columns.trim());
      } catch (NumberFormatException e) {
        // Fall through to asking the terminal.
      }
    }
    return fromStty().orElse(FALLBACK);
  }

  private static OptionalInt fromStty() {
    File tty = new File("/dev/tty");
    if (!tty.canRead()) {
      return OptionalInt.empty();
    }
    try {
      Process stty =
          new ProcessBuilder("stty", "size")
              .redirectInput(tty)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!stty.waitFor(2, TimeUnit.SECONDS)) {
        stty.destroyForcibly();
        return OptionalInt.empty();
      }
      String[] rowsColumns =
          new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)
              .trim()
              .split("\\s+");
      if (stty.exitValue() == 0 && rowsColumns.length == 2) {
        int width = Integer.parseInt(rowsColumns[1]);
        return width > 0 ? OptionalInt.of(width) : OptionalInt.empty();
      }
    } catch (IOException | NumberFormatException e) {
      // No stty, or no terminal after all.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return OptionalInt.empty();
  }
}
