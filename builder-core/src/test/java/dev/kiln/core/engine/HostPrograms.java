package dev.kiln.core.engine;

import dev.kiln.testdata.ProcessRunner;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Host programs with the shared libraries they load and the dynamic loader as {@code ld.so}, copied
 * into one directory. Bound into a busybox step (which lacks them), they run there as {@code
 * /dir/ld.so --library-path /dir /dir/PROGRAM …}.
 */
final class HostPrograms {
  private HostPrograms() {}

  static Path into(Path dir, List<String> programs) {
    try {
      for (String program : programs) {
        copy(Path.of(program), dir.resolve(Path.of(program).getFileName().toString()));
        String ldd = ProcessRunner.run(List.of("ldd", program)).requireSuccess().stdout();
        for (String line : ldd.split("\n")) {
          for (String w : line.trim().split("\\s+")) {
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
