package dev.kiln.core.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * Streams a step's stdout and stderr to an {@link OutputListener} line by line, each on its own
 * thread, and remembers the last lines of both for the error message of a failed step. Memory is
 * bounded: a line longer than {@link #MAX_LINE_BYTES} is delivered in pieces, and only {@link
 * #TAIL_LINES} lines are kept.
 */
final class OutputPump {
  static final int MAX_LINE_BYTES = 16 * 1024;
  static final int TAIL_LINES = 20;

  private final OutputListener listener;
  private final Deque<String> tail = new ArrayDeque<>();
  private final Object lock = new Object();
  private final Thread out;
  private final Thread err;

  private OutputPump(OutputListener listener, InputStream stdout, InputStream stderr, String name) {
    this.listener = listener;
    this.out = new Thread(() -> pump(stdout, StdStream.STDOUT), name + "-stdout");
    this.err = new Thread(() -> pump(stderr, StdStream.STDERR), name + "-stderr");
    out.setDaemon(true);
    err.setDaemon(true);
  }

  /** Starts pumping {@code process}'s stdout and stderr. */
  static OutputPump start(Process process, OutputListener listener, String name) {
    return start(process.getInputStream(), process.getErrorStream(), listener, name);
  }

  /** Starts pumping two streams (a process's stdout and stderr). */
  static OutputPump start(
      InputStream stdout, InputStream stderr, OutputListener listener, String name) {
    OutputPump pump = new OutputPump(listener, stdout, stderr, name);
    pump.out.start();
    pump.err.start();
    return pump;
  }

  /** Waits until both streams reached end of file. */
  void join() throws InterruptedException {
    out.join();
    err.join();
  }

  /** Waits up to {@code millis} for both streams; returns whether both ended. */
  boolean join(long millis) throws InterruptedException {
    long deadline = System.nanoTime() + millis * 1_000_000;
    out.join(Math.max(1, millis));
    err.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
    return !out.isAlive() && !err.isAlive();
  }

  /** The last lines of both streams, oldest first. */
  List<String> tail() {
    synchronized (lock) {
      return List.copyOf(tail);
    }
  }

  private void pump(InputStream in, StdStream stream) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (in) {
      int n;
      while ((n = in.read(buffer)) > 0) {
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
    } catch (IOException e) {
      // The process went away with its pipe; what was read so far is delivered below.
    }
    if (line.size() > 0) {
      emit(stream, line);
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
