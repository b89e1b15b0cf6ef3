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

  /** Module folder → its own top package under dev.kiln. */
  static final Map<String, String> PACKAGE_OF =
      Map.of(
          "testdata", "testdata",
          "dockerfile-frontend", "dockerfile",
          "registry-client", "registry",
          "cache", "cache",
          "builder-core", "core",
          "cli", "cli",
          "maven-plugin", "maven",
          "gradle-plugin", "gradle");

  /** Module folder → the packages of other modules its main code may use. */
  static final Map<String, Set<String>> MAY_USE =
      Map.of(
          "testdata", Set.of(),
          "dockerfile-frontend", Set.of(),
          "registry-client", Set.of(),
          "cache", Set.of("registry"),
          "builder-core", Set.of("dockerfile", "registry", "cache"),
          "cli", Set.of("core", "dockerfile", "registry", "cache"),
          "maven-plugin", Set.of("core", "dockerfile", "registry", "cache"),
          "gradle-plugin", Set.of("core", "dockerfile", "registry", "cache"));

  private static final Pattern REFERENCE = Pattern.compile("\\bdev\\.kiln\\.([a-z]+)\\b");

  private ModuleImportRules() {}

  static List<Violation> violations(Path repositoryRoot) {
    List<Violation> found = new ArrayList<>();
    for (String module : MAY_USE.keySet()) {
      scan(repositoryRoot, module, "main", MAY_USE.get(module), found);
      // Tests may also use the shared fixtures in testdata.
      Set<String> forTests = new java.util.HashSet<>(MAY_USE.get(module));
      forTests.add("testdata");
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
    String own = PACKAGE_OF.get(module);
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
          Matcher m = REFERENCE.matcher(lines.get(i));
          while (m.find()) {
            String pkg = m.group(1);
            if (!pkg.equals(own) && !allowed.contains(pkg) && PACKAGE_OF.containsValue(pkg)) {
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
