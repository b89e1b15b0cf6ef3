package dev.kiln.dockerfile.conformance;

import static dev.kiln.dockerfile.conformance.ConformanceTest.id;
import static dev.kiln.dockerfile.conformance.ConformanceTest.readJson;
import static dev.kiln.dockerfile.conformance.ConformanceTest.strings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.dockerfile.ignore.ContextEntry;
import dev.kiln.dockerfile.ignore.ContextWalker;
import dev.kiln.dockerfile.ignore.IgnoreFile;
import dev.kiln.dockerfile.ignore.PatternMatcher;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.StageBase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** dockerignore/*.json. */
final class IgnoreVectors {
  private IgnoreVectors() {}

  static SetResult all(Path dir) {
    SetResult r = new SetResult("dockerignore");
    Path d = dir.resolve("dockerignore");
    for (JsonNode c : readJson(d.resolve("match.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            boolean got =
                PatternMatcher.of(strings(c.get("patterns")))
                    .matchesOrParentMatches(c.get("path").asText());
            return got == c.get("expect").asBoolean() ? null : "matched " + got;
          });
    }
    for (JsonNode c : readJson(d.resolve("match-legacy.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            try {
              boolean got =
                  PatternMatcher.legacyMatches(c.get("path").asText(), strings(c.get("patterns")));
              if (c.has("expectError")) {
                return "no error, matched " + got;
              }
              return got == c.get("expect").asBoolean() ? null : "matched " + got;
            } catch (IllegalArgumentException e) {
              return c.has("expectError") ? null : "error " + e.getMessage();
            }
          });
    }
    for (JsonNode c : readJson(d.resolve("new-patterns.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            JsonNode e = c.get("expect");
            PatternMatcher pm;
            try {
              pm = PatternMatcher.of(strings(c.get("patterns")));
            } catch (IllegalArgumentException ex) {
              return e.path("error").asBoolean(false) ? null : "error " + ex.getMessage();
            }
            if (e.path("error").asBoolean(false)) {
              return "built, expected an error";
            }
            if (e.has("patternCount") && pm.patterns().size() != e.get("patternCount").asInt()) {
              return "count " + pm.patterns().size();
            }
            if (e.has("exclusions") && pm.hasExclusions() != e.get("exclusions").asBoolean()) {
              return "exclusions " + pm.hasExclusions();
            }
            JsonNode then = c.get("thenMatch");
            if (then != null) {
              String path = then.isTextual() ? then.asText() : then.path("path").asText("x");
              String first = failure(pm, path);
              String second = failure(pm, path);
              if (first == null || !first.equals(second)) {
                return "use did not fail the same way twice: " + first + " / " + second;
              }
            }
            return null;
          });
    }
    for (JsonNode c : readJson(d.resolve("ignorefile.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            JsonNode content = c.get("content");
            List<String> got = IgnoreFile.parse(content.isNull() ? null : content.asText());
            return got.equals(strings(c.get("expect"))) ? null : "patterns " + got;
          });
    }
    for (JsonNode c : readJson(d.resolve("context.json")).path("cases")) {
      if (c.get("kind").asText().equals("walk")) {
        r.run(id(c), () -> walk(c));
      } else if (!buildableWithoutExecutor(c)) {
        r.defer();
      } else {
        r.run(id(c), () -> build(c));
      }
    }
    return r;
  }

  private static String failure(PatternMatcher pm, String path) {
    try {
      pm.matchesOrParentMatches(path);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  private static String walk(JsonNode c) {
    Path tmp = tempDir();
    try {
      for (JsonNode entry : c.get("tree")) {
        Path p = tmp.resolve(entry.get(0).asText());
        if (entry.get(1).asText().equals("dir")) {
          Files.createDirectories(p);
        } else {
          Files.createDirectories(p.getParent());
          String data = entry.size() > 2 && !entry.get(2).isNull() ? entry.get(2).asText() : "";
          Files.writeString(p, data);
        }
      }
      for (JsonNode entry : c.get("tree")) {
        if (entry.size() > 3 && !entry.get(3).isNull()) {
          Files.setPosixFilePermissions(
              tmp.resolve(entry.get(0).asText()), perms(entry.get(3).asText()));
        }
      }
      JsonNode e = c.get("expect");
      List<String> got = new ArrayList<>();
      try {
        for (ContextEntry entry :
            new ContextWalker(PatternMatcher.of(strings(c.get("excludePatterns")))).walk(tmp)) {
          got.add((entry.kind() == ContextEntry.Kind.DIRECTORY ? "dir " : "file ") + entry.path());
        }
      } catch (IllegalArgumentException ex) {
        return e.path("error").asBoolean(false) ? null : "error " + ex.getMessage();
      }
      if (e.path("error").asBoolean(false)) {
        return "walked, expected an error";
      }
      return got.equals(strings(e.get("walk"))) ? null : "walk " + got;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    } finally {
      for (JsonNode entry : c.get("tree")) {
        if (entry.size() > 3 && !entry.get(3).isNull()) {
          try {
            Files.setPosixFilePermissions(tmp.resolve(entry.get(0).asText()), perms("0755"));
          } catch (IOException ignored) {
            // best effort before deleting
          }
        }
      }
      delete(tmp);
    }
  }

  /** A build whose result is the filtered context itself: FROM scratch and COPY . only. */
  private static boolean buildableWithoutExecutor(JsonNode c) {
    String dockerfileName = c.path("dockerfileName").asText("Dockerfile");
    String df = c.get("files").get(dockerfileName).asText();
    BuildPlan plan =
        BuildPlan.compile(df.getBytes(StandardCharsets.UTF_8), BuildOptions.defaults());
    if (plan.stages().size() != 1 || !(plan.stages().get(0).base() instanceof StageBase.Scratch)) {
      return false;
    }
    for (Instruction i : plan.stages().get(0).instructions()) {
      if (!(i instanceof CopyInstruction)
          || !((CopyInstruction) i).from().isEmpty()
          || !((CopyInstruction) i).files().sourcePaths().equals(List.of("."))) {
        return false;
      }
    }
    return true;
  }

  private static String build(JsonNode c) {
    Path tmp = tempDir();
    try {
      for (Map.Entry<String, JsonNode> f : iterable(c.get("files"))) {
        Path p = tmp.resolve(f.getKey());
        Files.createDirectories(p.getParent());
        Files.writeString(p, f.getValue().asText());
      }
      String dockerfileName = c.path("dockerfileName").asText("Dockerfile");
      List<String> patterns = IgnoreFile.load(tmp, tmp.resolve(dockerfileName));
      List<String> files = new ArrayList<>();
      for (ContextEntry e : new ContextWalker(PatternMatcher.of(patterns)).walk(tmp)) {
        if (e.kind() == ContextEntry.Kind.FILE) {
          files.add(e.path());
        }
      }
      JsonNode expect = c.get("expect");
      for (Map.Entry<String, JsonNode> f : iterable(expect.path("exportedFiles"))) {
        if (!files.contains(f.getKey())
            || !Files.readString(tmp.resolve(f.getKey())).equals(f.getValue().asText())) {
          return "missing " + f.getKey() + " in " + files;
        }
      }
      for (String absent : strings(expect.get("absent"))) {
        if (files.contains(absent)) {
          return "should lack " + absent;
        }
      }
      for (String has : strings(expect.get("contextHas"))) {
        if (!files.contains(has)) {
          return "should have " + has;
        }
      }
      for (String lacks : strings(expect.get("contextLacks"))) {
        if (files.contains(lacks)) {
          return "should lack " + lacks;
        }
      }
      return null;
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    } finally {
      delete(tmp);
    }
  }

  private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode n) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    n.fields().forEachRemaining(out::add);
    return out;
  }

  private static java.util.Set<java.nio.file.attribute.PosixFilePermission> perms(String octal) {
    int m = Integer.parseInt(octal, 8);
    StringBuilder s = new StringBuilder();
    String rwx = "rwxrwxrwx";
    for (int i = 0; i < 9; i++) {
      s.append((m & (1 << (8 - i))) != 0 ? rwx.charAt(i) : '-');
    }
    return PosixFilePermissions.fromString(s.toString());
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("kiln-ignore-vector");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void delete(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        p.toFile().setReadable(true);
        p.toFile().setExecutable(true);
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
