package dev.kiln.cli.progress;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.HumanReadable;
import dev.kiln.api.event.StepRef;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * {@code --progress=tty}: a live view like BuildKit's. Finished steps scroll up as permanent lines
 * ({@code DONE 1.2s}, {@code CACHED}); below them a live area holds one line per running step with
 * its elapsed time, the last lines of its output folded under it, and a bar per running transfer.
 *
 * <p>The live area is redrawn at most ten times a second, as one write that moves the cursor up
 * over the previous frame and overwrites each line in place (clearing only line ends), which is
 * what keeps it from flickering.
 */
public final class TtyProgress implements BuildListener, AutoCloseable {
  private static final String ESC = "\u001b[";
  private static final int OUTPUT_LINES = 5;

  private final PrintWriter out;
  private final Supplier<Instant> clock;
  private final int width;
  private final Map<Integer, Running> running = new LinkedHashMap<>();
  private final Map<String, BuildEvent.Transfer> transfers = new LinkedHashMap<>();
  private final List<String> permanent = new ArrayList<>();
  private final ScheduledExecutorService ticker;
  private int drawnLines;
  private boolean dirty;

  private static final class Running {
    final StepRef step;
    final Instant started;
    final Deque<String> tail = new ArrayDeque<>();

    Running(StepRef step, Instant started) {
      this.step = step;
      this.started = started;
    }
  }

  /** A live display redrawn by its own timer thread; {@link #close()} stops it. */
  public static TtyProgress start(PrintWriter out, int width) {
    return new TtyProgress(out, Instant::now, width, true);
  }

  /** A display redrawn only by explicit {@link #render()} calls (for tests). */
  static TtyProgress manual(PrintWriter out, Supplier<Instant> clock, int width) {
    return new TtyProgress(out, clock, width, false);
  }

  private TtyProgress(PrintWriter out, Supplier<Instant> clock, int width, boolean timer) {
    this.out = out;
    this.clock = clock;
    // One column spare: a line that fills the last column leaves some terminals about to wrap.
    this.width = Math.max(20, width - 1);
    if (timer) {
      ticker =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "kiln-tty-progress");
                t.setDaemon(true);
                return t;
              });
      ticker.scheduleAtFixedRate(this::render, 100, 100, TimeUnit.MILLISECONDS);
    } else {
      ticker = null;
    }
    out.print(ESC + "?25l"); // hide the cursor while drawing
  }

  @Override
  public synchronized void on(BuildEvent event) {
    dirty = true;
    if (event instanceof BuildEvent.StepStarted e) {
      running.put(e.step().number(), new Running(e.step(), e.at()));
    } else if (event instanceof BuildEvent.StepCached e) {
      running.remove(e.step().number());
      permanent.add("#" + e.step().number() + " " + e.step().label() + "  CACHED");
    } else if (event instanceof BuildEvent.StepCompleted e) {
      running.remove(e.step().number());
      permanent.add(
          "#"
              + e.step().number()
              + " "
              + e.step().label()
              + "  "
              + HumanReadable.duration(e.elapsed()));
    } else if (event instanceof BuildEvent.StepFailed e) {
      Running r = running.remove(e.step().number());
      permanent.add(
          "#"
              + e.step().number()
              + " "
              + e.step().label()
              + (e.cancelled() ? "  CANCELED" : "  ERROR: " + e.message()));
      if (r != null && !e.cancelled()) {
        r.tail.forEach(line -> permanent.add("#" + e.step().number() + " " + line));
      }
    } else if (event instanceof BuildEvent.StepOutput e) {
      Running r = running.get(e.step().number());
      if (r != null) {
        r.tail.addLast(e.line());
        while (r.tail.size() > OUTPUT_LINES) {
          r.tail.removeFirst();
        }
      }
    } else if (event instanceof BuildEvent.Transfer e) {
      if (e.finished()) {
        transfers.remove(e.id());
      } else {
        transfers.put(e.id(), e);
      }
    } else if (event instanceof BuildEvent.Warning e) {
      permanent.add("WARNING: " + e.location().map(l -> l + ": ").orElse("") + e.message());
    } else if (event instanceof BuildEvent.Note e) {
      permanent.add("note: " + e.message());
    } else if (event instanceof BuildEvent.OutputWritten e) {
      permanent.add(e.describe());
    } else if (event instanceof BuildEvent.BuildCompleted e) {
      render();
      Summary.print(out, e);
      out.flush();
    }
  }

  /** Draws one frame if anything changed or time passed for a running step. */
  synchronized void render() {
    if (!dirty && running.isEmpty() && transfers.isEmpty()) {
      return;
    }
    dirty = false;
    StringBuilder frame = new StringBuilder();
    if (drawnLines > 0) {
      frame.append(ESC).append(drawnLines).append('A').append('\r');
    }
    for (String line : permanent) {
      // Printed once and scrolled away, so they may wrap; only the live area must fit.
      frame.append(oneLine(line)).append(ESC).append("K\n");
    }
    permanent.clear();
    Instant now = clock.get();
    int lines = 0;
    for (Running r : running.values()) {
      String elapsed = HumanReadable.duration(Duration.between(r.started, now));
      frame
          .append(fit("#" + r.step.number() + " " + r.step.label() + "  " + elapsed))
          .append(ESC)
          .append("K\n");
      lines++;
      for (String tail : r.tail) {
        frame.append(fit("  │ " + tail)).append(ESC).append("K\n");
        lines++;
      }
    }
    for (BuildEvent.Transfer t : transfers.values()) {
      frame.append(fit(bar(t))).append(ESC).append("K\n");
      lines++;
    }
    frame.append(ESC).append('J'); // clear whatever the previous, taller frame left below
    drawnLines = lines;
    out.print(frame);
    out.flush();
  }

  private String bar(BuildEvent.Transfer t) {
    String verb =
        switch (t.kind()) {
          case PULL -> "pull";
          case PUSH -> "push";
          case LAYER -> "layer";
        };
    String label = verb + " " + shortId(t.id()) + " ";
    if (t.total() <= 0) {
      return label + HumanReadable.bytes(t.done());
    }
    int cells = 20;
    int filled = (int) Math.min(cells, t.done() * cells / t.total());
    return label
        + "["
        + "=".repeat(filled)
        + (filled < cells ? ">" + " ".repeat(cells - filled - 1) : "")
        + "] "
        + HumanReadable.bytes(t.done())
        + "/"
        + HumanReadable.bytes(t.total());
  }

  /** {@code sha256:} and 12 hex digits are enough to tell blobs apart on screen. */
  private static String shortId(String id) {
    int colon = id.indexOf(':');
    return colon > 0 && id.length() > colon + 13 ? id.substring(0, colon + 13) : id;
  }

  private static String oneLine(String line) {
    return line.replace('\n', ' ').replace('\r', ' ');
  }

  private String fit(String line) {
    String single = oneLine(line);
    return single.length() <= width ? single : single.substring(0, width - 1) + "…";
  }

  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    dirty = true;
    render();
    out.print(ESC + "?25h");
    out.flush();
  }
}
