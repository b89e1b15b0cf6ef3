package dev.kiln.dockerfile.conformance;

import static dev.kiln.dockerfile.conformance.ConformanceTest.id;
import static dev.kiln.dockerfile.conformance.ConformanceTest.readBytes;
import static dev.kiln.dockerfile.conformance.ConformanceTest.readJson;
import static dev.kiln.dockerfile.conformance.ConformanceTest.strings;
import static dev.kiln.dockerfile.conformance.ConformanceTest.subdirs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.dockerfile.parser.Directive;
import dev.kiln.dockerfile.parser.DirectiveReader;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.DockerfileParser;
import dev.kiln.dockerfile.parser.GoText;
import dev.kiln.dockerfile.parser.Heredoc;
import dev.kiln.dockerfile.parser.LineParsers;
import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.parser.ParsedDockerfile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** parser, parser-negative, parser-extra, parser-heredoc and parser-units. */
final class ParserVectors {
  private ParserVectors() {}

  static SetResult parser(Path dir) {
    SetResult r = new SetResult("parser");
    for (Path c : subdirs(dir.resolve("parser"))) {
      r.run(
          c.getFileName().toString(),
          () -> {
            ParsedDockerfile parsed = DockerfileParser.parse(readBytes(c.resolve("Dockerfile")));
            byte[] actual = GoText.encode(parsed.dump() + "\n");
            byte[] expected = readBytes(c.resolve("result"));
            return Arrays.equals(actual, expected)
                ? null
                : "dump differs:\n" + new String(actual, StandardCharsets.UTF_8);
          });
    }
    return r;
  }

  static SetResult negative(Path dir) {
    SetResult r = new SetResult("parser-negative");
    for (Path c : subdirs(dir.resolve("parser-negative"))) {
      r.run(
          c.getFileName().toString(),
          () -> {
            try {
              DockerfileParser.parse(readBytes(c.resolve("Dockerfile")));
              return "parsed, expected an error";
            } catch (DockerfileException e) {
              return null;
            }
          });
    }
    return r;
  }

  static SetResult extra(Path dir) {
    SetResult r = new SetResult("parser-extra");
    for (Path c : subdirs(dir.resolve("parser-extra"))) {
      JsonNode expect = readJson(c.resolve("expected.json"));
      r.run(
          c.getFileName().toString(),
          () -> {
            ParsedDockerfile parsed;
            try {
              parsed = DockerfileParser.parse(readBytes(c.resolve("Dockerfile")));
            } catch (DockerfileException e) {
              if (!expect.path("parse").asText().equals("error")) {
                return "unexpected error " + e.getMessage();
              }
              if (expect.has("errorEquals")
                  && !expect.get("errorEquals").asText().equals(e.getMessage())) {
                return "error " + e.getMessage();
              }
              return null;
            }
            if (expect.path("parse").asText().equals("error")) {
              return "parsed, expected an error";
            }
            JsonNode root = expect.get("root");
            if (root != null) {
              int[] want = lineRange(root);
              if (parsed.range().startLine() != want[0] || parsed.range().endLine() != want[1]) {
                return "root range " + parsed.range();
              }
            }
            JsonNode children = expect.get("children");
            if (children != null) {
              if (children.size() != parsed.instructions().size()) {
                return "children " + parsed.instructions().size();
              }
              for (int i = 0; i < children.size(); i++) {
                Node n = parsed.instructions().get(i);
                int[] want = lineRange(children.get(i));
                if (n.range().startLine() != want[0] || n.range().endLine() != want[1]) {
                  return "child " + i + " range " + n.range();
                }
              }
            }
            JsonNode warnings = expect.get("warnings");
            if (warnings != null) {
              List<ParseWarning> ws = parsed.warnings();
              if (ws.size() != warnings.path("count").asInt()) {
                return "warnings " + ws;
              }
              for (JsonNode check : warnings.path("checks")) {
                ParseWarning w = ws.get(check.get("index").asInt());
                if (check.has("shortContains")
                    && !w.message().contains(check.get("shortContains").asText())) {
                  return "warning " + w.message();
                }
                if (check.has("detailContains")
                    && !w.detail().contains(check.get("detailContains").asText())) {
                  return "warning detail " + w.detail();
                }
              }
            }
            return null;
          });
    }
    return r;
  }

  /** A line range written as [start, end] or {start, end} (any field names ending so). */
  static int[] lineRange(JsonNode n) {
    if (n.isArray()) {
      return new int[] {n.get(0).asInt(), n.get(n.size() - 1).asInt()};
    }
    int start = -1;
    int end = -1;
    for (var it = n.fields(); it.hasNext(); ) {
      var f = it.next();
      String k = f.getKey().toLowerCase(java.util.Locale.ROOT);
      if (k.startsWith("start")) {
        start = f.getValue().isObject() ? f.getValue().path("line").asInt() : f.getValue().asInt();
      } else if (k.startsWith("end")) {
        end = f.getValue().isObject() ? f.getValue().path("line").asInt() : f.getValue().asInt();
      }
    }
    return new int[] {start, end};
  }

  static SetResult heredoc(Path dir) {
    SetResult r = new SetResult("parser-heredoc");
    for (Path c : subdirs(dir.resolve("parser-heredoc"))) {
      JsonNode expect = readJson(c.resolve("expected.json"));
      r.run(
          c.getFileName().toString(),
          () -> {
            ParsedDockerfile parsed = DockerfileParser.parse(readBytes(c.resolve("Dockerfile")));
            for (JsonNode child : expect.path("children")) {
              Node n = parsed.instructions().get(child.get("index").asInt());
              JsonNode hs = child.get("heredocs");
              List<Heredoc> actual = n.heredocs();
              if (hs == null || hs.isNull()) {
                if (!actual.isEmpty()) {
                  return "child " + child.get("index") + " has heredocs " + actual;
                }
                continue;
              }
              if (hs.size() != actual.size()) {
                return "child " + child.get("index") + " heredocs " + actual;
              }
              for (int i = 0; i < hs.size(); i++) {
                JsonNode e = hs.get(i);
                Heredoc h = actual.get(i);
                Heredoc want =
                    new Heredoc(
                        e.get("name").asText(),
                        e.get("fileDescriptor").asInt(),
                        e.get("expand").asBoolean(),
                        e.get("chomp").asBoolean(),
                        e.get("content").asText());
                if (!want.equals(h)) {
                  return "heredoc " + h + " != " + want;
                }
              }
            }
            return null;
          });
    }
    return r;
  }

  static SetResult units(Path dir) {
    SetResult r = new SetResult("parser-units");
    Path units = dir.resolve("parser-units");
    for (JsonNode c : readJson(units.resolve("parse-words.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            List<String> got = LineParsers.words(c.get("input").asText(), '\\');
            return got.equals(strings(c.get("expect"))) ? null : "words " + got;
          });
    }
    for (JsonNode c : readJson(units.resolve("json-arrays.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            try {
              List<String> got = LineParsers.jsonArray(c.get("input").asText());
              if (c.has("expectError")) {
                return "parsed " + got;
              }
              return strings(c.get("expect")).equals(got) ? null : "json " + got;
            } catch (DockerfileException e) {
              return c.has("expectError")
                      && e.getMessage()
                          .equals(
                              "when using JSON array syntax, arrays must be comprised of strings"
                                  + " only")
                  ? null
                  : "error " + e.getMessage();
            }
          });
    }
    for (JsonNode c : readJson(units.resolve("heredoc-words.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            JsonNode e = c.get("expect");
            try {
              Optional<Heredoc> h = Heredoc.parseWord(c.get("input").asText());
              if (e.path("error").asBoolean(false)) {
                return "no error, got " + h;
              }
              if (e.get("heredoc").asBoolean() != h.isPresent()) {
                return "heredoc " + h;
              }
              if (h.isPresent() && !h.get().name().equals(e.get("name").asText())) {
                return "name " + h.get().name();
              }
              return null;
            } catch (DockerfileException ex) {
              return e.path("error").asBoolean(false) ? null : "error " + ex.getMessage();
            }
          });
    }
    for (JsonNode c : readJson(units.resolve("heredocs-from-line.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            List<String> names = new ArrayList<>();
            for (Heredoc h : DockerfileParser.heredocsFromLine(c.get("line").asText())) {
              names.add(h.name());
            }
            return names.equals(strings(c.get("expectNames"))) ? null : "names " + names;
          });
    }
    for (JsonNode c : readJson(units.resolve("name-val.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            try {
              List<String> got =
                  LineParsers.nameValues(c.get("rest").asText(), c.get("key").asText(), '\\');
              if (c.path("expectError").asBoolean(false)) {
                return "parsed " + got;
              }
              if (!got.equals(strings(c.get("expectNodes")))) {
                return "nodes " + got;
              }
              JsonNode eq = c.get("dockerfileEquivalent");
              if (eq != null) {
                ParsedDockerfile p = DockerfileParser.parse(eq.get("line").asText());
                if (!p.dump().equals(eq.get("dump").asText())) {
                  return "dump " + p.dump();
                }
              }
              return null;
            } catch (DockerfileException e) {
              return c.path("expectError").asBoolean(false) ? null : "error " + e.getMessage();
            }
          });
    }
    for (JsonNode c : readJson(units.resolve("directives.json")).path("cases")) {
      r.run(id(c), () -> directive(c));
    }
    return r;
  }

  private static String directive(JsonNode c) {
    String api = c.get("api").asText();
    String input = c.get("input").asText();
    JsonNode e = c.get("expect");
    byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
    if (api.equals("DirectiveParser.ParseAll")) {
      List<Directive> got;
      try {
        got = new DirectiveReader().parseAll(input);
      } catch (DockerfileException ex) {
        return e.path("error").asBoolean(false) ? null : "error " + ex.getMessage();
      }
      JsonNode want = e.get("directives");
      if (want.size() != got.size()) {
        return "directives " + got;
      }
      for (int i = 0; i < want.size(); i++) {
        if (!want.get(i).get("name").asText().equals(got.get(i).name())
            || !want.get(i).get("value").asText().equals(got.get(i).value())) {
          return "directive " + got.get(i);
        }
      }
      return null;
    }
    Optional<DirectiveReader.Found> found =
        api.equals("DetectSyntax")
            ? DirectiveReader.detectSyntax(bytes)
            : DirectiveReader.findDirective("check", bytes);
    if (found.isPresent() != e.get("found").asBoolean()) {
      return "found " + found;
    }
    String ref = found.map(DirectiveReader.Found::ref).orElse("");
    String cmdline = found.map(DirectiveReader.Found::cmdline).orElse("");
    if (e.has("ref") && !e.get("ref").asText().equals(ref)) {
      return "ref " + ref;
    }
    if (e.has("cmdline") && !e.get("cmdline").asText().equals(cmdline)) {
      return "cmdline " + cmdline;
    }
    if (e.has("line") && found.isPresent() && found.get().line() != e.get("line").asInt()) {
      return "line " + found.get().line();
    }
    return null;
  }
}
