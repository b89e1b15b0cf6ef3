package dev.kiln.core.host;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One host program run to completion (mount, umount, runc delete, getfattr, setfattr, mknod, cp…),
 * with what it printed. The only place kiln starts a short-lived process; a RUN step's own process
 * streams its output through the sandbox instead.
 *
 * <p>Both output streams are drained by their own threads, so a chatty command never blocks on a
 * full pipe, and each is kept only up to a bound: standard output up to {@link #MAX_STDOUT} bytes
 * (more fails the run, since callers parse it and a truncated listing would be wrong without saying
 * so), standard error up to its first {@link #MAX_STDERR} bytes, which is all a failure message
 * needs.
 *
 * <p>An interrupt kills the command and throws {@link InterruptedIOException}, so a cancelled build
 * stops promptly. A cleanup command that must complete (unmounting, deleting a container) is run
 * {@link #finishingWhenInterrupted()}: the wait goes on and the interrupt is restored for the
 * caller.
 *
 * <p>A value does not change: each {@code with}-style method returns a new one.
 */
public final class HostCommand {
  /** Standard output kept; a command that prints more fails. */
  public static final int MAX_STDOUT = 64 << 20;

  /** Standard error kept for messages; the rest is counted and dropped. */
  public static final int MAX_STDERR = 64 << 10;

  private static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

  /** How long to wait, once the command exited, for a pipe a left-behind child still holds. */
  private static final Duration DRAIN_GRACE = Duration.ofSeconds(2);

  // Not final so that each with-style method can change one field of a fresh copy; a value is
  // never changed once a caller holds it.
  private List<String> command;
  private Path directory;
  private Map<String, String> extraEnvironment = Map.of();
  private boolean onlyExtraEnvironment;
  private Duration timeout = DEFAULT_TIMEOUT;
  private boolean finishWhenInterrupted;
  private String debianPackage;
  private int maxStdout = MAX_STDOUT;
  private int maxStderr = MAX_STDERR;

  private HostCommand(List<String> command) {
    if (command.isEmpty()) {
      throw new IllegalArgumentException("a host command needs a program");
    }
    this.command = List.copyOf(command);
  }

  private HostCommand copy() {
    HostCommand copy = new HostCommand(command);
    copy.directory = directory;
    copy.extraEnvironment = extraEnvironment;
    copy.onlyExtraEnvironment = onlyExtraEnvironment;
    copy.timeout = timeout;
    copy.finishWhenInterrupted = finishWhenInterrupted;
    copy.debianPackage = debianPackage;
    copy.maxStdout = maxStdout;
    copy.maxStderr = maxStderr;
    return copy;
  }

  /** {@code command} (program and arguments), in the current directory and environment. */
  public static HostCommand of(List<String> command) {
    return new HostCommand(command);
  }

  /** {@code command} (program and arguments), in the current directory and environment. */
  public static HostCommand of(String... command) {
    return of(List.of(command));
  }

  /** This command run in {@code dir} (null: the current directory). */
  public HostCommand in(Path dir) {
    HostCommand copy = copy();
    copy.directory = dir;
    return copy;
  }

  /** This command with {@code variables} added to the current environment. */
  public HostCommand withEnvironment(Map<String, String> variables) {
    HostCommand copy = copy();
    copy.extraEnvironment = Map.copyOf(variables);
    return copy;
  }

  /**
   * This command with {@code variables} as its whole environment: nothing of kiln's own (a git or
   * ssh configuration, a token) reaches it.
   */
  public HostCommand withOnlyEnvironment(Map<String, String> variables) {
    HostCommand copy = copy();
    copy.extraEnvironment = Map.copyOf(variables);
    copy.onlyExtraEnvironment = true;
    return copy;
  }

  /** This command killed, and failed, after {@code limit} (ten minutes unless told). */
  public HostCommand timeout(Duration limit) {
    HostCommand copy = copy();
    copy.timeout = limit;
    return copy;
  }

  /** This command left to finish when the calling thread is interrupted (for cleanup). */
  public HostCommand finishingWhenInterrupted() {
    HostCommand copy = copy();
    copy.finishWhenInterrupted = true;
    return copy;
  }

  /**
   * This command with the Debian package that provides its program, named in the message when the
   * program cannot be started.
   */
  public HostCommand providedBy(String debianPackageName) {
    HostCommand copy = copy();
    copy.debianPackage = debianPackageName;
    return copy;
  }

  /** Smaller output bounds, so that tests can reach them. */
  HostCommand outputLimits(int stdoutBytes, int stderrBytes) {
    HostCommand copy = copy();
    copy.maxStdout = stdoutBytes;
    copy.maxStderr = stderrBytes;
    return copy;
  }

  /** The program and its arguments. */
  public List<String> command() {
    return command;
  }

  /**
   * Runs the command to completion. A non-zero exit is not a failure here: the result says it, and
   * {@link Result#requireSuccess} turns it into one.
   *
   * @throws HostCommandException if the program cannot be started, does not finish within the
   *     timeout, or prints more than {@link #MAX_STDOUT} bytes
   * @throws InterruptedIOException if the calling thread was interrupted (the command is killed),
   *     unless {@link #finishingWhenInterrupted()}
   */
  public Result run() throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    if (directory != null) {
      builder.directory(directory.toFile());
    }
    if (onlyExtraEnvironment) {
      builder.environment().clear();
    }
    builder.environment().putAll(extraEnvironment);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new HostCommandException(
          "cannot run `"
              + command.get(0)
              + "`: "
              + e.getMessage()
              + (debianPackage == null
                  ? ""
                  : "; install it (Debian/Ubuntu package '" + debianPackage + "')"),
          e);
    }
    Capture out = Capture.start(process.getInputStream(), maxStdout, command.get(0) + " stdout");
    Capture err = Capture.start(process.getErrorStream(), maxStderr, command.get(0) + " stderr");
    if (!awaitExit(process)) {
      kill(process);
      throw new HostCommandTimeoutException(
          "`"
              + commandLine()
              + "` did not finish within "
              + (timeout.toMillis() < 1000
                  ? timeout.toMillis() + " ms"
                  : timeout.toSeconds() + " s"));
    }
    out.awaitEnd(DRAIN_GRACE);
    err.awaitEnd(DRAIN_GRACE);
    if (out.dropped() > 0) {
      throw new HostCommandException(
          "`"
              + commandLine()
              + "` printed more than "
              + maxStdout
              + " bytes, more than kiln reads from a host command");
    }
    return new Result(command, process.exitValue(), out.bytes(), err.text());
  }

  /** Whether the process exited within the timeout; kills it and throws on an interrupt. */
  private boolean awaitExit(Process process) throws InterruptedIOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          if (!finishWhenInterrupted) {
            kill(process);
            interrupted = true;
            throw new InterruptedIOException("interrupted while running `" + commandLine() + "`");
          }
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Kills the process and what it started (git's transport helpers), which hold its pipes. */
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }

  private String commandLine() {
    return String.join(" ", command);
  }

  /**
   * What a finished command printed and returned.
   *
   * @param command the program and its arguments
   * @param exitCode its exit status (128 + n when killed by signal n)
   * @param stdoutBytes its standard output, whole
   * @param stderr the first {@link #MAX_STDERR} bytes of its standard error, with a note when more
   *     was dropped
   */
  public record Result(List<String> command, int exitCode, byte[] stdoutBytes, String stderr) {
    public boolean succeeded() {
      return exitCode == 0;
    }

    /** Standard output as UTF-8 text. */
    public String stdout() {
      return new String(stdoutBytes, StandardCharsets.UTF_8);
    }

    /**
     * This result when the command exited 0; else a failure saying what could not be done ({@code
     * what}, e.g. "mount the overlay"), the command line, its exit status and its error output.
     */
    public Result requireSuccess(String what) throws HostCommandException {
      if (exitCode != 0) {
        throw new HostCommandException("cannot " + what + ": " + describeFailure());
      }
      return this;
    }

    /** "`cmd args` exited with N: stderr" (stdout when stderr is empty), for error messages. */
    public String describeFailure() {
      String said = stderr.isBlank() ? firstBytes(stdoutBytes, MAX_STDERR) : stderr.strip();
      return "`"
          + String.join(" ", command)
          + "` exited with "
          + exitCode
          + (said.isEmpty() ? "" : ": " + said);
    }

    private static String firstBytes(byte[] bytes, int limit) {
      return new String(bytes, 0, Math.min(bytes.length, limit), StandardCharsets.UTF_8).strip();
    }
  }

  /** Reads one output stream to its end on its own thread, keeping at most a bound. */
  private static final class Capture implements Runnable {
    private final InputStream in;
    private final int limit;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final Thread thread;
    private long dropped;

    private Capture(InputStream in, int limit, String name) {
      this.in = in;
      this.limit = limit;
      this.thread = new Thread(this, "kiln-host-command " + name);
      thread.setDaemon(true);
    }

    static Capture start(InputStream in, int limit, String name) {
      Capture capture = new Capture(in, limit, name);
      capture.thread.start();
      return capture;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          synchronized (this) {
            int keep = Math.max(0, Math.min(n, limit - kept.size()));
            kept.write(buffer, 0, keep);
            dropped += n - keep;
          }
        }
      } catch (IOException e) {
        // The pipe broke (the process was killed): what was read is all there is.
      }
    }

    /**
     * Waits for the end of the stream. The command has exited by now, but a child it left running
     * may hold the pipe open, so the wait is bounded and what was read by then is used. An
     * interrupt does not cut the wait short (it is at most {@code grace}); it is restored.
     */
    void awaitEnd(Duration grace) {
      long deadline = System.nanoTime() + grace.toNanos();
      boolean interrupted = false;
      while (thread.isAlive()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    synchronized byte[] bytes() {
      return kept.toByteArray();
    }

    synchronized long dropped() {
      return dropped;
    }

    synchronized String text() {
      String text = kept.toString(StandardCharsets.UTF_8);
      return dropped == 0 ? text : text + "… (" + dropped + " more bytes)";
    }
  }
}
