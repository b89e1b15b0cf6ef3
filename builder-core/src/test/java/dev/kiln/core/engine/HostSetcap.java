package dev.kiln.core.engine;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The host's {@code setcap} and {@code getcap} (Debian {@code libcap2-bin}) with the shared
 * libraries they load and the dynamic loader as {@code ld.so}, copied into one directory. Bound
 * into a busybox step (which has no tool to set a capability), they run there as {@code /dir/ld.so
 * --library-path /dir /dir/setcap …}.
 */
final class HostSetcap {
  private HostSetcap() {}

  static Path into(Path dir) {
    try {
      for (String tool : List.of("/usr/sbin/setcap", "/usr/sbin/getcap")) {
        copy(Path.of(tool), dir.resolve(Path.of(tool).getFileName().toString()));
        String ldd = ProcessRunner.run(List.of("ldd", tool)).requireSuccess().stdout();
        for (String line : ldd.split("\n")) {
          String[] words = line.trim().split("\\s+");
          for (String w : words) {
            if (w.startsWith("/")) {
              Path lib = Path.of(w);
              String name = lib.getFileName().toString();
              copy(lib, dir.resolve(name.startsWith("ld-linux") ? "ld.so" : name));
            }
          }
        }
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void copy(Path from, Path to) throws IOException {
    Files.copy(from.toRealPath(), to, StandardCopyOption.REPLACE_EXISTING);
    Files.setAttribute(to, "unix:mode", 0755);
  }
}
