package dev.kiln.registry.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * A {@link SchemeMemory} kept in a file of {@code host:port} lines, read once and rewritten whole
 * (a temp file renamed over it) when a registry's answer changes it. It is a hint, never a
 * decision: a file that cannot be read or written only costs the HTTPS attempt it would have saved,
 * and two processes writing at once lose at most one of their entries.
 */
public final class FileSchemeMemory implements SchemeMemory {
  private final Path file;
  private Set<String> hosts;

  public FileSchemeMemory(Path file) {
    this.file = file;
  }

  @Override
  public synchronized boolean plainHttp(String hostPort) {
    return hosts().contains(hostPort.toLowerCase(Locale.ROOT));
  }

  @Override
  public synchronized void answered(String hostPort, String scheme) {
    String host = hostPort.toLowerCase(Locale.ROOT);
    Set<String> known = hosts();
    boolean changed = scheme.equals("http") ? known.add(host) : known.remove(host);
    if (changed) {
      save(known);
    }
  }

  private Set<String> hosts() {
    if (hosts == null) {
      hosts = new TreeSet<>();
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          if (!line.isBlank()) {
            hosts.add(line.strip());
          }
        }
      } catch (NoSuchFileException e) {
        // nothing remembered yet
      } catch (IOException e) {
        // unreadable: remember nothing, as without the file
      }
    }
    return hosts;
  }

  private void save(Set<String> known) {
    try {
      Files.createDirectories(file.getParent());
      Path temp = Files.createTempFile(file.getParent(), ".plain-http-", ".tmp");
      try {
        Files.write(temp, known, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(temp);
      }
    } catch (IOException e) {
      // A hint only: the next process tries HTTPS first again.
    }
  }
}
