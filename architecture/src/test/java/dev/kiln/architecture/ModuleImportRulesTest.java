package dev.kiln.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.RepositoryRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The import rules of docs/ARCHITECTURE.md, checked over every module's sources.
 *
 * <p>This lives in a module of its own, which depends on none of the modules it checks (only on
 * testdata, to find the checkout): the rule is about the whole repository, not about the CLI where
 * it used to sit, so it runs second in the reactor, right after testdata, and fails a build before
 * any other module compiles; {@code mvn -pl architecture verify} runs it alone in seconds.
 */
class ModuleImportRulesTest {
  @Test
  void noModuleUsesAModuleAboveOrBesideIt() {
    List<ModuleImportRules.Violation> violations =
        ModuleImportRules.violations(RepositoryRoot.get());
    assertTrue(
        violations.isEmpty(),
        "imports must point down the module table in docs/ARCHITECTURE.md:\n"
            + String.join("\n", violations.stream().map(Object::toString).toList()));
  }

  @Test
  void anUpwardOrSidewaysImportIsReported(@TempDir Path root) throws Exception {
    write(root, "cache/src/main/java/dev/kiln/cache/Bad.java", "import dev.kiln.core.Thing;");
    write(
        root,
        "registry-client/src/main/java/dev/kiln/registry/Bad.java",
        "class Bad { dev.kiln.dockerfile.X x; }");
    write(
        root,
        "cache/src/main/java/dev/kiln/cache/Fine.java",
        "import dev.kiln.registry.model.Digest;");
    write(root, "cache/src/test/java/dev/kiln/cache/FineTest.java", "import dev.kiln.testdata.X;");
    write(root, "cli/src/main/java/dev/kiln/cli/Bad.java", "import dev.kiln.core.engine.Engine;");
    write(root, "cli/src/main/java/dev/kiln/cli/Fine.java", "import dev.kiln.api.Kiln;");

    List<ModuleImportRules.Violation> violations = ModuleImportRules.violations(root);
    assertEquals(3, violations.size(), violations.toString());
    assertTrue(
        violations.stream()
            .anyMatch(v -> v.module().equals("cli") && v.referencedPackage().equals("core")),
        "a front end reaches builder-core only through dev.kiln.api");
    assertTrue(
        violations.stream()
            .anyMatch(v -> v.module().equals("cache") && v.referencedPackage().equals("core")));
    assertTrue(
        violations.stream()
            .anyMatch(
                v ->
                    v.module().equals("registry-client")
                        && v.referencedPackage().equals("dockerfile")));
  }

  private static void write(Path root, String relative, String text) throws Exception {
    Path file = root.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, text + "\n");
  }
}
