package dev.kiln.dockerfile.conformance;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.testdata.RepositoryRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every vector set of the conformance directory (see its FORMATS.md for the formats): {@code
 * -Dkiln.conformance.dir}, or else the repository's {@code testdata/conformance}. Fails, naming
 * where it looked, when the vectors are missing or a set has no cases, so a checkout without them
 * can never pass by running nothing. Cases that need a registry or a RUN executor are counted as
 * deferred to the builder, never as passed. Prints one summary line per set.
 */
class ConformanceTest {
  static final ObjectMapper JSON = new ObjectMapper();

  /** The vectors' directory, or a failed assertion saying where they were looked for. */
  static Path conformanceDir() {
    String explicit = System.getProperty("kiln.conformance.dir");
    Path dir;
    String how;
    if (explicit != null && !explicit.isBlank()) {
      dir = Path.of(explicit).toAbsolutePath().normalize();
      how = "-Dkiln.conformance.dir=" + explicit;
    } else {
      dir = RepositoryRoot.resolve("testdata/conformance");
      how = "the repository's testdata/conformance";
    }
    if (!Files.isDirectory(dir.resolve("parser"))) {
      fail(
          "conformance vectors not found in "
              + dir
              + " ("
              + how
              + "): restore testdata/conformance from git, or point -Dkiln.conformance.dir at a"
              + " copy");
    }
    return dir;
  }

  @TestFactory
  Stream<DynamicTest> vectorSets() {
    Path dir = conformanceDir();
    System.out.println("conformance vectors from " + dir);
    List<DynamicTest> tests = new ArrayList<>();
    add(tests, dir, "parser", ParserVectors::parser);
    add(tests, dir, "parser-negative", ParserVectors::negative);
    add(tests, dir, "parser-extra", ParserVectors::extra);
    add(tests, dir, "parser-heredoc", ParserVectors::heredoc);
    add(tests, dir, "parser-units", ParserVectors::units);
    add(tests, dir, "shell/envVarTest", ShellVectors::envVarTest);
    add(tests, dir, "shell/wordsTest", ShellVectors::wordsTest);
    add(tests, dir, "shell/process-word.json", ShellVectors::processWord);
    add(tests, dir, "shell/env-lookup.json", ShellVectors::envLookup);
    add(tests, dir, "instructions", InstructionVectors::all);
    add(tests, dir, "dockerignore", IgnoreVectors::all);
    add(tests, dir, "dockerfile2llb", PlanVectors::all);
    add(tests, dir, "build/args.json", PlanVectors::buildArgs);
    return tests.stream();
  }

  private static void add(
      List<DynamicTest> tests, Path dir, String name, Function<Path, SetResult> runner) {
    tests.add(
        DynamicTest.dynamicTest(
            name,
            () -> {
              SetResult r = runner.apply(dir);
              System.out.println("conformance " + r.summary());
              r.failures.forEach(f -> System.out.println("  FAIL " + f));
              assertTrue(
                  r.total() + r.deferred > 0,
                  "no cases in " + dir.resolve(name) + ": the vector set is missing or empty");
              assertTrue(r.failures.isEmpty(), r.summary() + "\n" + String.join("\n", r.failures));
            }));
  }

  static JsonNode readJson(Path p) {
    try {
      return JSON.readTree(p.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] readBytes(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Path> subdirs(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && !array.isNull()) {
      array.forEach(n -> out.add(n.asText()));
    }
    return out;
  }

  static String id(JsonNode c) {
    return c.path("id").asText("?");
  }

  static String expectError(Throwable e, JsonNode expect) {
    if (expect.has("errorEquals") && !expect.get("errorEquals").asText().equals(e.getMessage())) {
      return "error " + quoteJava(e.getMessage()) + " != " + expect.get("errorEquals");
    }
    if (expect.has("errorContains")
        && !String.valueOf(e.getMessage()).contains(expect.get("errorContains").asText())) {
      return "error " + quoteJava(e.getMessage()) + " lacks " + expect.get("errorContains");
    }
    return null;
  }

  static boolean expectsError(JsonNode expect) {
    return expect.has("errorEquals")
        || expect.has("errorContains")
        || expect.path("error").asBoolean(false);
  }

  static String quoteJava(String s) {
    return s == null ? "null" : "\"" + s.replace("\n", "\\n") + "\"";
  }
}
