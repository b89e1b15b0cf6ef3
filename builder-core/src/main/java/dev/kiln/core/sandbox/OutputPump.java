package dev.kiln.core.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Streams a step's stdout and stderr to an {@link OutputListener} line by line, and remembers the
 * last lines of both for the error message of a failed step. Memory is bounded: a line longer than
 * {@link #MAX_LINE_BYTES} is delivered in pieces, and only {@link #TAIL_LINES} lines are kept.
 *
 * <p>One thread reads both pipes, taking from each what it holds as soon as it holds it, stdout
 * first, and stdout again before stderr bytes it found are delivered. Two threads each blocking on
 * one pipe delivered lines in whichever order the threads woke: a failing step's last {@code echo
 * boom >&2} came out among its first stdout lines, and fell out of the tail a terminal shows. Two
 * pipes carry no common order, so lines written within the same instant may still swap; a step's
 * output in time order is kept otherwise.
 */
final class OutputPump {
  static final int MAX_LINE_BYTES = 16 * 1024;
  static final int TAIL_LINES = 20;

  /** The longest wait between two looks at idle pipes. */
  private static final long MAX_IDLE_NANOS = 5_000_000;

  private final OutputListener listener;
  private final Deque<String> tail = new ArrayDeque<>();
  private final Object lock = new Object();
  private final Thread thread;

  private OutputPump(
      OutputListener listener,
      InputStream stdout,
      InputStream stderr,
      BooleanSupplier writersGone,
      String name) {
    this.listener = listener;
    this.thread = new Thread(() -> pump(stdout, stderr, writersGone), name + "-output");
    thread.setDaemon(true);
  }

  /** Starts pumping {@code process}'s stdout and stderr. */
  static OutputPump start(Process process, OutputListener listener, String name) {
    return start(
        process.getInputStream(),
        process.getErrorStream(),
        () -> !process.isAlive(),
        listener,
        name);
  }

  /**
   * Starts pumping two streams (a process's stdout and stderr).
   *
   * @param writersGone whether whatever writes the streams has stopped: once it has, the pump reads
   *     each to its end instead of waiting for more
   */
  static OutputPump start(
      InputStream stdout,
      InputStream stderr,
      BooleanSupplier writersGone,
      OutputListener listener,
      String name) {
    OutputPump pump = new OutputPump(listener, stdout, stderr, writersGone, name);
    pump.thread.start();
    return pump;
  }

  /** Waits until both streams reached end of file. */
  void join() throws InterruptedException {
    thread.join();
  }

  /** Waits up to {@code millis} for both streams; returns whether both ended. */
  boolean join(long millis) throws InterruptedException {
    thread.join(Math.max(1, millis));
    return !thread.isAlive();
  }

  /** The last lines of both streams, oldest first. */
  List<String> tail() {
    synchronized (lock) {
      return List.copyOf(tail);
    }
  }

  private void pump(InputStream stdout, InputStream stderr, BooleanSupplier writersGone) {
    ByteArrayOutputStream outLine = new ByteArrayOutputStream();
    ByteArrayOutputStream errLine = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (stdout;
        stderr) {
      long idle = 0;
      while (true) {
        // Checked before looking, so that what the writer wrote before it went is still read here.
        boolean gone = writersGone.getAsBoolean();
        boolean read = readAvailable(stdout, StdStream.STDOUT, outLine, buffer);
        byte[] err = availableBytes(stderr, buffer);
        if (err.length > 0) {
          // Whatever the step wrote to stdout before these stderr bytes is in its pipe by now,
          // even if the look above came too early: deliver it first, so that a failing step's
          // last stderr line does not overtake the stdout lines it came after.
          readAvailable(stdout, StdStream.STDOUT, outLine, buffer);
          split(err, err.length, StdStream.STDERR, errLine);
          read = true;
        }
        if (read) {
          idle = 0;
        } else if (gone) {
          break;
        } else {
          // Short naps while output flows, longer ones (at most 5 ms) while a step is quiet.
          idle = Math.min(MAX_IDLE_NANOS, Math.max(50_000, idle * 2));
          LockSupport.parkNanos(idle);
        }
      }
      drain(stdout, StdStream.STDOUT, outLine, buffer);
      drain(stderr, StdStream.STDERR, errLine, buffer);
    } catch (IOException e) {
      // The process went away with its pipe; what was read so far is delivered below.
    }
    if (outLine.size() > 0) {
      emit(StdStream.STDOUT, outLine);
    }
    if (errLine.size() > 0) {
      emit(StdStream.STDERR, errLine);
    }
  }

  /** Reads what {@code in} holds now, without blocking; returns whether there was anything. */
  private boolean readAvailable(
      InputStream in, StdStream stream, ByteArrayOutputStream line, byte[] buffer)
      throws IOException {
    boolean any = false;
    int available;
    while ((available = in.available()) > 0) {
      int n = in.read(buffer, 0, Math.min(available, buffer.length));
      if (n <= 0) {
        break;
      }
      split(buffer, n, stream, line);
      any = true;
    }
    return any;
  }

  /** What {@code in} holds now, read without blocking (at most a pipe's worth). */
  private static byte[] availableBytes(InputStream in, byte[] buffer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int available;
    while ((available = in.available()) > 0) {
      int n = in.read(buffer, 0, Math.min(available, buffer.length));
      if (n <= 0) {
        break;
      }
      bytes.write(buffer, 0, n);
    }
    return bytes.toByteArray();
  }

  /** Reads {@code in} to its end (a writer's child may still hold it open for a while). */
  private void drain(InputStream in, StdStream stream, ByteArrayOutputStream line, byte[] buffer)
      throws IOException {
    int n;
    while ((n = in.read(buffer)) > 0) {
      split(buffer, n, stream, line);
    }
  }

  private void split(byte[] buffer, int n, StdStream stream, ByteArrayOutputStream line) {
    for (int i = 0; i < n; i++) {
      byte b = buffer[i];
      if (b == '\n') {
        emit(stream, line);
      } else {
        line.write(b);
        if (line.size() >= MAX_LINE_BYTES) {
          emit(stream, line);
        }
      }
    }
  }

  private void emit(StdStream stream, ByteArrayOutputStream bytes) {
    String text = bytes.toString(StandardCharsets.UTF_8);
    bytes.reset();
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    deliver(stream, text);
  }

  /** Delivers a line that did not come through the pipes (a runtime's own error). */
  void deliver(StdStream stream, String text) {
    synchronized (lock) {
      tail.addLast(text);
      while (tail.size() > TAIL_LINES) {
        tail.removeFirst();
      }
      listener.onLine(stream, text);
    }
  }
}
