package dev.kiln.cli.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ProgressRenderersTest {
  private static String render(java.util.function.Function<PrintWriter, BuildListener> make) {
    StringWriter text = new StringWriter();
    BuildListener listener = make.apply(new PrintWriter(text));
    ProgressEvents.successfulBuild().forEach(listener::on);
    return text.toString();
  }

  @Test
  void plainOutputIsStableLineOrientedAndPrefixedByStep() {
    String expected =
        String.join(
            "\n",
            "#1 [build 1/3] FROM busybox",
            "#1 CACHED",
            "#2 [build 2/3] COPY . /src",
            "#2 wrote layer sha256:0123456789ab 4.1kB",
            "#2 DONE 0.4s",
            "#3 [build 3/3] RUN make",
            "#3 0.500 compiling",
            "#3 1.000 warning: x",
            "#3 DONE 2.0s",
            "WARNING: build argument FOO was not used",
            "built sha256:" + "ab".repeat(32) + " (1.5MB) in 2.5s: 2 steps run, 1 cached",
            "  -> 127.0.0.1:5000/app:1",
            "");
    String actual = render(PlainProgress::new);
    assertEquals(expected, actual);
    assertEquals(actual, render(PlainProgress::new), "same events, same bytes");
  }

  @Test
  void rawJsonIsOneObjectPerLineWithTypedEvents() throws Exception {
    List<String> lines = render(JsonProgress::new).lines().toList();
    assertEquals(ProgressEvents.successfulBuild().size(), lines.size());
    ObjectMapper mapper = new ObjectMapper();
    List<String> types =
        lines.stream()
            .map(
                line -> {
                  try {
                    return mapper.readTree(line).path("type").asText();
                  } catch (Exception e) {
                    throw new AssertionError("not JSON: " + line, e);
                  }
                })
            .toList();
    assertEquals(
        List.of(
            "step.started",
            "step.cached",
            "step.started",
            "transfer",
            "transfer",
            "step.completed",
            "step.started",
            "step.log",
            "step.log",
            "step.completed",
            "warning",
            "build.completed"),
        types);
    JsonNode log = mapper.readTree(lines.get(8));
    assertEquals("stderr", log.path("stream").asText());
    assertEquals("warning: x", log.path("line").asText());
    assertEquals(3, log.path("step").path("number").asInt());
    assertEquals("Dockerfile:3", log.path("step").path("location").asText());
    assertEquals(
        "2026-01-01T00:00:01.420Z", log.path("time").asText(), "times are the events' own");
  }

  @Test
  void ttyRedrawsRunningStepsInPlaceAndScrollsFinishedOnes() {
    StringWriter text = new StringWriter();
    AtomicReference<Instant> now = new AtomicReference<>(ProgressEvents.at(0));
    TtyProgress tty = TtyProgress.manual(new PrintWriter(text), now::get, 100);
    List<BuildEvent> events = ProgressEvents.successfulBuild();

    tty.on(events.get(6)); // RUN started
    now.set(ProgressEvents.at(1420));
    tty.on(events.get(7)); // output line
    tty.render();
    String first = text.toString();
    assertTrue(first.contains("#3 [build 3/3] RUN make  1.0s"), first);
    assertTrue(first.contains("│ compiling"), first);

    text.getBuffer().setLength(0);
    now.set(ProgressEvents.at(2420));
    tty.on(events.get(9)); // RUN completed
    tty.render();
    String second = text.toString();
    // The previous frame had two lines (the step and its output): the cursor goes back up over
    // them.
    assertTrue(second.startsWith("\u001b[2A\r"), second);
    assertTrue(second.contains("#3 [build 3/3] RUN make  2.0s\u001b[K\n"), second);
    assertFalse(second.contains("│ compiling"), "a finished step's output is folded away");
    assertTrue(second.endsWith("\u001b[J"), "leftover lines of the taller frame are cleared");
  }

  @Test
  void autoPicksTtyOnlyOnATerminalOutsideCi() {
    assertEquals(ProgressMode.TTY, ProgressMode.AUTO.resolve(true, Map.of("TERM", "xterm")));
    assertEquals(ProgressMode.PLAIN, ProgressMode.AUTO.resolve(false, Map.of()));
    assertEquals(ProgressMode.PLAIN, ProgressMode.AUTO.resolve(true, Map.of("CI", "true")));
    assertEquals(ProgressMode.PLAIN, ProgressMode.AUTO.resolve(true, Map.of("TERM", "dumb")));
    assertEquals(ProgressMode.RAWJSON, ProgressMode.parse("rawjson").resolve(true, Map.of()));
  }
}
