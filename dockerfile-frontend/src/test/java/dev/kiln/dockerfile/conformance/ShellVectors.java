package dev.kiln.dockerfile.conformance;

import static dev.kiln.dockerfile.conformance.ConformanceTest.expectError;
import static dev.kiln.dockerfile.conformance.ConformanceTest.id;
import static dev.kiln.dockerfile.conformance.ConformanceTest.readBytes;
import static dev.kiln.dockerfile.conformance.ConformanceTest.readJson;
import static dev.kiln.dockerfile.conformance.ConformanceTest.strings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.dockerfile.shell.Environment;
import dev.kiln.dockerfile.shell.ExpansionOptions;
import dev.kiln.dockerfile.shell.ExpansionResult;
import dev.kiln.dockerfile.shell.ShellExpansionException;
import dev.kiln.dockerfile.shell.ShellWordExpander;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** shell/envVarTest, shell/wordsTest, shell/process-word.json, shell/env-lookup.json. */
final class ShellVectors {
  private static final ShellWordExpander EXPANDER =
      new ShellWordExpander(ExpansionOptions.standard('\\'));

  private ShellVectors() {}

  private static List<String> lines(Path p) {
    return Arrays.asList(new String(readBytes(p), StandardCharsets.UTF_8).split("\n", -1));
  }

  static SetResult envVarTest(Path dir) {
    SetResult r = new SetResult("shell/envVarTest");
    Map<String, String> env =
        Map.of("PWD", "/home", "SHELL", "bash", "KOREAN", "\ud55c\uad6d\uc5b4", "NULL", "");
    int n = 0;
    for (String line : lines(dir.resolve("shell/envVarTest"))) {
      n++;
      String trimmed = line.trim();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\|", -1);
      if (f.length != 3) {
        r.fail("line " + n, "malformed");
        continue;
      }
      String platform = f[0].trim();
      if (platform.equals("W")) {
        continue;
      }
      String input = f[1].trim();
      String expected = f[2].trim();
      r.run(
          "line " + n + " " + input,
          () -> {
            try {
              String got = EXPANDER.expandWord(input, Environment.of(env));
              if (expected.equals("error")) {
                return "expected an error, got " + got;
              }
              return got.equals(expected) ? null : "got " + got;
            } catch (ShellExpansionException e) {
              return expected.equals("error") ? null : "error " + e.getMessage();
            }
          });
    }
    return r;
  }

  static SetResult wordsTest(Path dir) {
    SetResult r = new SetResult("shell/wordsTest");
    Map<String, String> env = new HashMap<>();
    int n = 0;
    for (String line : lines(dir.resolve("shell/wordsTest"))) {
      n++;
      if (line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("ENV ")) {
        String rest = line.substring(4).replaceFirst("^ +", "");
        int eq = rest.indexOf('=');
        env.put(rest.substring(0, eq), rest.substring(eq + 1));
        continue;
      }
      String[] f = line.split("\\|", -1);
      if (f.length != 2) {
        continue;
      }
      String input = f[0].trim();
      List<String> expected = Arrays.asList(f[1].replaceFirst("^ +", "").split(",", -1));
      Map<String, String> snapshot = Map.copyOf(env);
      r.run(
          "line " + n + " " + input,
          () -> {
            try {
              List<String> got = EXPANDER.expandWords(input, Environment.of(snapshot));
              if (expected.equals(List.of("error"))) {
                return "expected an error, got " + got;
              }
              return got.equals(expected) ? null : "got " + got;
            } catch (ShellExpansionException e) {
              return expected.equals(List.of("error")) ? null : "error " + e.getMessage();
            }
          });
    }
    return r;
  }

  static SetResult processWord(Path dir) {
    SetResult r = new SetResult("shell/process-word.json");
    for (JsonNode c : readJson(dir.resolve("shell/process-word.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            Map<String, String> env = new HashMap<>();
            c.path("env")
                .fields()
                .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
            JsonNode expect = c.get("expect");
            ExpansionResult got;
            try {
              got = EXPANDER.expand(c.get("input").asText(), Environment.of(env));
            } catch (ShellExpansionException e) {
              if (!expect.path("error").asBoolean(false)) {
                return "error " + e.getMessage();
              }
              return expectError(e, expect);
            }
            if (expect.path("error").asBoolean(false)) {
              return "expected an error, got " + got.result();
            }
            if (!expect.get("result").asText().equals(got.result())) {
              return "result " + got.result();
            }
            if (expect.has("matched")
                && !new TreeSet<>(strings(expect.get("matched")))
                    .equals(new TreeSet<>(got.matched()))) {
              return "matched " + got.matched();
            }
            if (expect.has("unmatched")
                && !Set.copyOf(strings(expect.get("unmatched"))).equals(got.unmatched())) {
              return "unmatched " + got.unmatched();
            }
            return null;
          });
    }
    return r;
  }

  static SetResult envLookup(Path dir) {
    SetResult r = new SetResult("shell/env-lookup.json");
    for (JsonNode c : readJson(dir.resolve("shell/env-lookup.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            String v =
                Environment.fromList(strings(c.get("envList"))).lookup(c.get("name").asText());
            String got = v == null ? "" : v;
            return got.equals(c.get("expectValue").asText()) ? null : "value " + got;
          });
    }
    return r;
  }
}
