package dev.kiln.core.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * A private directory for one step under the sandbox state dir ({@code steps/<id>}, mode 0700),
 * holding the step's generated {@code hosts} and {@code resolv.conf} and anything a backend writes
 * (the OCI bundle). Deleted when the step ends.
 */
final class StepDirectory implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String id;
  private final Path dir;

  private StepDirectory(String id, Path dir) {
    this.id = id;
    this.dir = dir;
  }

  /** Creates a fresh step directory with the step's hosts and resolv.conf files. */
  static StepDirectory create(SandboxSettings settings, RunRequest request) {
    byte[] bytes = new byte[8];
    RANDOM.nextBytes(bytes);
    String id = "kiln-" + HexFormat.of().formatHex(bytes);
    try {
      Path steps = Files.createDirectories(settings.stateDir().resolve("steps"));
      Path dir =
          Files.createDirectory(
              steps.resolve(id),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      StepDirectory step = new StepDirectory(id, dir);
      step.writePublic("hosts", HostsFile.render(request.hostname(), request.extraHosts()));
      step.writePublic("resolv.conf", ResolvConf.render(hostResolvConf(), request.network()));
      return step;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot create a step directory under " + settings.stateDir(), e);
    }
  }

  /** A unique id for the step (also the OCI container id). */
  String id() {
    return id;
  }

  Path path() {
    return dir;
  }

  Path hostsFile() {
    return dir.resolve("hosts");
  }

  Path resolvConfFile() {
    return dir.resolve("resolv.conf");
  }

  private void writePublic(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content, StandardCharsets.UTF_8);
    // Read by the step's user, whoever that is.
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
  }

  private static String hostResolvConf() throws IOException {
    Path file = Path.of("/etc/resolv.conf");
    return Files.isRegularFile(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  @Override
  public void close() {
    deleteRecursively(dir);
  }

  static void deleteRecursively(Path root) {
    dev.kiln.cache.store.TreeDeletion.deleteUnchecked(root);
  }
}
