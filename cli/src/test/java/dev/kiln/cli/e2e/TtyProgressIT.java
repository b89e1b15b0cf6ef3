package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.ProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live {@code tty} view, driven through a real pseudo-terminal: util-linux's {@code script}
 * runs kiln with a pty as its terminal and copies what kiln drew to its own stdout. A redraw moves
 * the cursor up over the previous frame ({@code ESC [ n A}) and rewrites the running step's line
 * with a new elapsed time and the output folded under it.
 */
class TtyProgressIT {
  private static final Pattern CURSOR_UP = Pattern.compile("\u001b\\[(\\d+)A");

  @TempDir static Path home;
  static KilnCli kiln;
  static Path context;

  @BeforeAll
  static void setUp() {
    kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    context =
        kiln.context(
            "ticks",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\n"
                    + "RUN for i in 1 2 3 4; do echo tick $i; sleep 0.4; done\n"
                    + "ENV DONE=1\n"));
  }

  /** Runs kiln under {@code script}; returns everything drawn on the terminal. */
  private static String onTerminal(KilnCli kiln, String progress) {
    List<String> args =
        List.of("build", "--progress=" + progress, "--no-cache", context.toString());
    StringBuilder line = new StringBuilder();
    for (String part : KilnCli.command(args)) {
      line.append('\'').append(part.replace("'", "'\\''")).append("' ");
    }
    ProcessRunner.Result result =
        ProcessRunner.run(
            List.of(
                "script",
                "--quiet",
                "--flush",
                "--return",
                "--command",
                line.toString(),
                "/dev/null"),
            kiln.env(),
            Duration.ofMinutes(3));
    assertEquals(0, result.exitCode(), result.stdout() + result.stderr());
    return result.stdout();
  }

  @Test
  void ttyRedrawsTheRunningStepInPlace() {
    String screen = onTerminal(kiln, "tty");
    List<Integer> ups = cursorUps(screen);
    assertTrue(ups.size() >= 3, "several redraws moved the cursor up: " + ups);
    assertTrue(ups.stream().anyMatch(n -> n >= 2), "output lines fold under the step: " + ups);
    String running = "#2 [2/3] RUN for i in 1 2 3 4; do echo tick $i; sleep 0.4; done";
    assertTrue(count(screen, running) >= 3, "the running step's line is redrawn:\n" + screen);
    assertTrue(screen.contains("│ tick 4"), "the last output lines show under it:\n" + screen);
    assertTrue(
        screen.contains("\u001b[?25l") && screen.contains("\u001b[?25h"),
        "cursor hidden, then shown");
    assertTrue(screen.contains("built sha256:"), screen);
  }

  @Test
  void autoDrawsTheLiveViewOnATerminalOutsideCiOnly() {
    assertFalse(cursorUps(onTerminal(kiln.withEnv("CI", null), "auto")).isEmpty());
    String ci = onTerminal(kiln.withEnv("CI", "true"), "auto");
    assertFalse(ci.contains("\u001b["), "CI gets plain lines:\n" + ci);
    assertTrue(ci.contains("#2 DONE "), ci);
  }

  private static List<Integer> cursorUps(String screen) {
    List<Integer> ups = new ArrayList<>();
    Matcher m = CURSOR_UP.matcher(screen);
    while (m.find()) {
      ups.add(Integer.parseInt(m.group(1)));
    }
    return ups;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }
}
