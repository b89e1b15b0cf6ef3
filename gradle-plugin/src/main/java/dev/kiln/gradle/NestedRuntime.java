package dev.kiln.gradle;

import java.io.BufferedReader;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * kiln's runtime as the plugin jar carries it: the jars under {@code META-INF/kiln/runtime} (kiln's
 * modules, their libraries, and the engine side of this plugin), listed in {@code index} after a
 * digest of them all. They are unpacked once per digest into Gradle's user home, so each version of
 * the plugin gets its own directory and a second build starts straight away.
 *
 * <p>Why nested jars and not dependencies: kiln is Java 17 bytecode; Gradle before 7.3 does not run
 * on Java 17 (Debian patches its 4.4.1 to), and Gradle reads (newer versions also rewrite) every
 * class on a build script's class path with the bytecode library it bundles, which in older
 * versions cannot parse Java 17 class files. Nested jars are opaque bytes to Gradle.
 */
final class NestedRuntime {
  private static final String BASE = "META-INF/kiln/runtime/";

  private NestedRuntime() {}

  /** The unpacked runtime's jars, unpacking them under {@code cacheRoot} first if needed. */
  static synchronized List<File> jars(File cacheRoot) throws IOException {
    List<String> index = index();
    String digest = index.get(0).trim();
    if (!digest.matches("[0-9a-f]{64}")) {
      throw new IOException("the plugin's runtime index starts with '" + digest + "', no digest");
    }
    List<String> names = index.subList(1, index.size());
    Path dir = cacheRoot.toPath().resolve(digest.substring(0, 32));
    if (!Files.isRegularFile(dir.resolve("complete"))) {
      unpack(names, dir);
    }
    List<File> jars = new ArrayList<File>();
    for (String name : names) {
      jars.add(dir.resolve(name).toFile());
    }
    return jars;
  }

  private static List<String> index() throws IOException {
    List<String> lines = new ArrayList<String>();
    try (InputStream in = open("index");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.trim().isEmpty()) {
          lines.add(line.trim());
        }
      }
    }
    if (lines.size() < 2) {
      throw new IOException("the plugin's runtime index lists no jar");
    }
    return lines;
  }

  /**
   * Unpacks into a fresh directory beside {@code dir}, then renames it: another build (or Gradle
   * daemon) unpacking at the same time either wins the rename or finds the finished directory.
   */
  private static void unpack(List<String> names, Path dir) throws IOException {
    Files.createDirectories(dir.getParent());
    Path temp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp");
    try {
      for (String name : names) {
        try (InputStream in = open(name)) {
          Files.copy(in, temp.resolve(name));
        }
      }
      Files.createFile(temp.resolve("complete"));
      try {
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
        if (!Files.isRegularFile(dir.resolve("complete"))) {
          deleteTree(dir);
          Files.move(temp, dir);
        }
      } catch (IOException e) {
        // A non-empty directory of the same name: someone else finished first.
        if (!Files.isRegularFile(dir.resolve("complete"))) {
          throw e;
        }
      }
    } finally {
      deleteTree(temp);
    }
  }

  private static InputStream open(String name) throws IOException {
    InputStream in = NestedRuntime.class.getClassLoader().getResourceAsStream(BASE + name);
    if (in == null) {
      throw new FileNotFoundException(
          BASE + name + " is missing from the kiln plugin's jar: the jar is incomplete");
    }
    return in;
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    List<Path> paths = new ArrayList<Path>();
    try (Stream<Path> walk = Files.walk(root)) {
      walk.forEach(paths::add);
    }
    Collections.sort(paths, Comparator.reverseOrder());
    for (Path p : paths) {
      Files.deleteIfExists(p);
    }
  }
}
