package dev.kiln.core.host;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;

/**
 * Whether {@code getfattr} and {@code setfattr} (Debian package {@code attr}) can be run here. They
 * are kiln's only way to the {@code security.*} and {@code trusted.*} extended attributes (file
 * capabilities, overlayfs's markers): the JDK reaches the {@code user.*} namespace alone. They are
 * optional: without them kiln keeps {@code user.*} attributes through the JDK and says once per
 * build what it cannot keep ({@link #MISSING}).
 *
 * <p>Asked once per process, by starting both programs; the answer cannot change under a running
 * build without the build seeing attributes half one way and half the other.
 */
public final class XattrPrograms {
  /** What is lost without the programs, and how to get them; a build warning. */
  public static final String MISSING =
      "getfattr and setfattr are not installed (Debian: apt-get install attr), so RUN steps keep"
          + " only user.* extended attributes: security.* attributes (file capabilities such as"
          + " ping's cap_net_raw) of base layers are not applied inside RUN, those of files RUN"
          + " creates are not recorded, and RUN snapshots are copies instead of overlayfs";

  private static volatile Boolean installed;

  private XattrPrograms() {}

  /** Whether both programs start. Callers at the same time wait for one answer. */
  public static boolean installed() {
    Boolean known = installed;
    if (known != null) {
      return known;
    }
    synchronized (XattrPrograms.class) {
      if (installed != null) {
        return installed;
      }
      try {
        known = starts("getfattr") && starts("setfattr");
      } catch (InterruptedIOException e) {
        // A cancelled build: answer without remembering, so that a later build asks again.
        Thread.currentThread().interrupt();
        return false;
      }
      installed = known;
      return known;
    }
  }

  /**
   * Starts finding out on a thread of its own, unless the answer is known: starting two programs
   * costs a build tens of milliseconds, which then overlap the build's set-up instead of delaying
   * the first caller, who waits only for what is left.
   */
  public static void probeInBackground() {
    if (installed != null) {
      return;
    }
    Thread t = new Thread(XattrPrograms::installed, "kiln-xattr-probe");
    t.setDaemon(true);
    t.start();
  }

  private static boolean starts(String program) throws InterruptedIOException {
    try {
      HostCommand.of(program, "--version").timeout(Duration.ofSeconds(30)).run();
      return true;
    } catch (InterruptedIOException e) {
      throw e;
    } catch (IOException e) {
      // Not on the PATH, or not executable: exactly what a missing package looks like.
      return false;
    }
  }
}
