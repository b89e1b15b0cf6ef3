package dev.kiln.core.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Finds host processes by a marker in their command line (tests leave unique markers). */
public final class ProcessScan {
  private ProcessScan() {}

  /** Pids whose command line contains {@code marker}, except this JVM's own. */
  public static List<Long> withMarker(String marker) {
    List<Long> pids = new ArrayList<>();
    long self = ProcessHandle.current().pid();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path proc : procs) {
        try {
          byte[] raw = Files.readAllBytes(proc.resolve("cmdline"));
          String cmdline = new String(raw, StandardCharsets.UTF_8).replace('\0', ' ');
          long pid = Long.parseLong(proc.getFileName().toString());
          if (pid != self && cmdline.contains(marker)) {
            pids.add(pid);
          }
        } catch (IOException | NumberFormatException e) {
          // The process ended while we looked.
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return pids;
  }
}
