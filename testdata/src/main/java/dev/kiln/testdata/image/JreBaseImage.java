package dev.kiln.testdata.image;

import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A base image that can run a Java application, made offline from this machine's JDK: the busybox
 * rootfs (a shell and the tools a RUN step needs) as one layer, and a second layer with a small
 * runtime made by {@code jlink} in {@code /opt/java} ({@code /usr/bin/java} links to it) plus the
 * shared libraries {@code ldd} says it needs, at their paths on this machine. Built into an OCI
 * layout by umoci, so the images the plugins' tests build of their sample applications have a real
 * JVM to run in (see {@link Podman}).
 */
public final class JreBaseImage {
  private static final Pattern LIBRARY = Pattern.compile("(/\\S+\\.so[.\\d]*)");

  private JreBaseImage() {}

  /** Creates the layout at {@code layout} with tag {@code tag}, working in {@code work}. */
  public static Path layout(Path layout, String tag, Path work) {
    try {
      Path rootfs = Files.createDirectories(work.resolve("jre-rootfs"));
      Path runtime = rootfs.resolve("opt/java");
      Files.createDirectories(runtime.getParent());
      Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
      run(
          List.of(
              jlink.toString(),
              "--add-modules",
              "java.base,java.logging,java.sql,java.desktop",
              "--strip-debug",
              "--no-man-pages",
              "--no-header-files",
              "--output",
              runtime.toString()));
      for (String library : libraries(runtime)) {
        Path target = rootfs.resolve(library.substring(1));
        Files.createDirectories(target.getParent());
        Files.copy(Path.of(library), target, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.createDirectories(rootfs.resolve("usr/bin"));
      Files.createSymbolicLink(rootfs.resolve("usr/bin/java"), Path.of("/opt/java/bin/java"));
      Path tar = work.resolve("jre-layer.tar");
      run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), "."));

      String image = layout + ":" + tag;
      run(List.of("umoci", "init", "--layout", layout.toString()));
      run(List.of("umoci", "new", "--image", image));
      run(List.of("umoci", "raw", "add-layer", "--image", image, BusyboxRootfs.tar().toString()));
      run(List.of("umoci", "raw", "add-layer", "--image", image, tar.toString()));
      run(
          List.of(
              "umoci",
              "config",
              "--image",
              image,
              "--config.env",
              "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
              "--config.cmd",
              "/bin/sh"));
      return layout;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every shared library the runtime's executables and libraries load, resolved by ldd. */
  private static TreeSet<String> libraries(Path runtime) throws IOException {
    List<Path> binaries = new ArrayList<>();
    binaries.add(runtime.resolve("bin/java"));
    try (Stream<Path> files = Files.walk(runtime.resolve("lib"))) {
      files.filter(f -> f.toString().endsWith(".so")).forEach(binaries::add);
    }
    TreeSet<String> libraries = new TreeSet<>();
    for (Path binary : binaries) {
      String out = ProcessRunner.run(List.of("ldd", binary.toString())).stdout();
      Matcher m = LIBRARY.matcher(out);
      while (m.find()) {
        Path library = Path.of(m.group(1));
        if (!library.startsWith(runtime) && Files.exists(library, LinkOption.NOFOLLOW_LINKS)) {
          libraries.add(library.toString());
        }
      }
    }
    return libraries;
  }

  private static void run(List<String> command) {
    ProcessRunner.run(command, Map.of(), Duration.ofMinutes(3)).requireSuccess();
  }
}
