package dev.kiln.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The module table of docs/ARCHITECTURE.md as data, and a scan of every Java source file for
 * references to a kiln package its module may not use. Maven's dependency graph already stops most
 * upward imports from compiling; this also catches the sideways ones that a transitive dependency
 * would let through (say, cache using the frontend).
 */
final class ModuleImportRules {
  /** A source file that names a package its module may not import. */
  record Violation(Path file, int line, String module, String referencedPackage) {
    @Override
    public String toString() {
      return file + ":" + line + ": " + module + " may not use dev.kiln." + referencedPackage;
    }
  }

  /** Module folder → its own top packages under dev.kiln. */
  static final Map<String, Set<String>> PACKAGES_OF =
      Map.of(
          "testdata", Set.of("testdata"),
          "dockerfile-frontend", Set.of("dockerfile"),
          "registry-client", Set.of("registry"),
          "cache", Set.of("cache"),
          "builder-core", Set.of("core", "api"),
          "cli", Set.of("cli"),
          "maven-plugin", Set.of("maven"),
          "gradle-plugin", Set.of("gradle"));

  /**
   * Module folder → the packages of other modules its main code may use. The front ends (CLI, Maven
   * and Gradle plugins) reach builder-core only through its public {@code dev.kiln.api}; {@code
   * dev.kiln.core} is the engine's inside.
   */
  static final Map<String, Set<String>> MAY_USE =
      Map.of(
          "testdata", Set.of(),
          "dockerfile-frontend", Set.of(),
          "registry-client", Set.of(),
          "cache", Set.of("registry"),
          "builder-core", Set.of("dockerfile", "registry", "cache"),
          "cli", Set.of("api", "dockerfile", "registry", "cache"),
          "maven-plugin", Set.of("api", "dockerfile", "registry", "cache"),
          "gradle-plugin", Set.of("api", "dockerfile", "registry", "cache"));

  /** Packages a module's tests may use beyond its main code's: fixtures, and engine internals. */
  static final Map<String, Set<String>> TESTS_MAY_ALSO_USE =
      Map.of(
          "cli", Set.of("testdata", "core"),
          "maven-plugin", Set.of("testdata", "core"),
          "gradle-plugin", Set.of("testdata", "core"));

  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.kiln\\.([a-z]+)\\b");

  private ModuleImportRules() {}

  private static boolean isKilnPackage(String pkg) {
    return PACKAGES_OF.values().stream().anyMatch(p -> p.contains(pkg));
  }

  static List<Violation> violations(Path repositoryRoot) {
    List<Violation> found = new ArrayList<>();
    for (String module : MAY_USE.keySet()) {
      scan(repositoryRoot, module, "main", MAY_USE.get(module), found);
      // Tests may also use the shared fixtures in testdata (and front ends' tests may check what
      // the engine wrote with its own readers).
      Set<String> forTests = new java.util.HashSet<>(MAY_USE.get(module));
      forTests.addAll(TESTS_MAY_ALSO_USE.getOrDefault(module, Set.of("testdata")));
      scan(repositoryRoot, module, "test", forTests, found);
    }
    return found;
  }

  private static void scan(
      Path root, String module, String sourceSet, Set<String> allowed, List<Violation> found) {
    Path sources = root.resolve(module).resolve("src").resolve(sourceSet).resolve("java");
    if (!Files.isDirectory(sources)) {
      return;
    }
    Set<String> own = PACKAGES_OF.get(module);
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = REFERENCE.matcher(lines.get(i));
          while (m.find()) {
            String pkg = m.group(1);
            if (!own.contains(pkg) && !allowed.contains(pkg) && isKilnPackage(pkg)) {
              found.add(new Violation(root.relativize(file), i + 1, module, pkg));
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
