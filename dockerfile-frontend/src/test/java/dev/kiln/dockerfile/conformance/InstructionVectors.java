package dev.kiln.dockerfile.conformance;

import static dev.kiln.dockerfile.conformance.ConformanceTest.expectError;
import static dev.kiln.dockerfile.conformance.ConformanceTest.expectsError;
import static dev.kiln.dockerfile.conformance.ConformanceTest.id;
import static dev.kiln.dockerfile.conformance.ConformanceTest.readJson;
import static dev.kiln.dockerfile.conformance.ConformanceTest.strings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.dockerfile.instructions.AddInstruction;
import dev.kiln.dockerfile.instructions.ArgDeclaration;
import dev.kiln.dockerfile.instructions.ArgInstruction;
import dev.kiln.dockerfile.instructions.CommandLine;
import dev.kiln.dockerfile.instructions.CopyInstruction;
import dev.kiln.dockerfile.instructions.DeviceSpec;
import dev.kiln.dockerfile.instructions.DockerfileInstructions;
import dev.kiln.dockerfile.instructions.HealthcheckInstruction;
import dev.kiln.dockerfile.instructions.Instruction;
import dev.kiln.dockerfile.instructions.InstructionFlags;
import dev.kiln.dockerfile.instructions.InstructionParser;
import dev.kiln.dockerfile.instructions.RunInstruction;
import dev.kiln.dockerfile.instructions.SourceContent;
import dev.kiln.dockerfile.instructions.SourcesAndDest;
import dev.kiln.dockerfile.instructions.StageInstructions;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.parser.DockerfileParser;
import dev.kiln.dockerfile.parser.Heredoc;
import dev.kiln.dockerfile.parser.LineMap;
import dev.kiln.dockerfile.parser.Node;
import dev.kiln.dockerfile.parser.ParsedDockerfile;
import dev.kiln.dockerfile.parser.SourceRange;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** instructions/*.json. */
final class InstructionVectors {
  private InstructionVectors() {}

  static SetResult all(Path dir) {
    SetResult r = new SetResult("instructions");
    Path d = dir.resolve("instructions");
    for (JsonNode c : readJson(d.resolve("cases.json")).path("cases")) {
      r.run(id(c), () -> caseCheck(c));
    }
    for (JsonNode c : readJson(d.resolve("no-crash.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            try {
              DockerfileInstructions.from(DockerfileParser.parse(c.get("dockerfile").asText()));
            } catch (DockerfileException e) {
              // A normal error is fine.
            }
            return null;
          });
    }
    for (JsonNode c : readJson(d.resolve("bflags.json")).path("cases")) {
      r.run(id(c), () -> bflags(c));
    }
    for (JsonNode c : readJson(d.resolve("run-device.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            JsonNode e = c.get("expect");
            try {
              DeviceSpec got = DeviceSpec.parse(c.get("input").asText());
              if (expectsError(e)) {
                return "parsed " + got;
              }
              return got.name().equals(e.get("name").asText())
                      && got.required() == e.get("required").asBoolean()
                  ? null
                  : "device " + got;
            } catch (DockerfileException ex) {
              return expectsError(e) ? expectError(ex, e) : "error " + ex.getMessage();
            }
          });
    }
    for (JsonNode c : readJson(d.resolve("json-args.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            List<String> got =
                InstructionParser.jsonArgs(strings(c.get("args")), c.get("jsonForm").asBoolean());
            return got.equals(strings(c.get("expect"))) ? null : "args " + got;
          });
    }
    return r;
  }

  private static String bflags(JsonNode c) {
    List<String> args = strings(c.get("args"));
    InstructionFlags flags = new InstructionFlags(args);
    for (JsonNode f : c.get("declare")) {
      String type = f.get("type").asText();
      InstructionFlags.Kind kind =
          type.equals("bool") ? InstructionFlags.Kind.BOOL : InstructionFlags.Kind.STRING;
      flags.declare(f.get("name").asText(), kind, f.get("default").asText());
    }
    JsonNode e = c.get("expect");
    try {
      flags.parse();
    } catch (RuntimeException ex) {
      return e.get("ok").asBoolean() ? "error " + ex.getMessage() : null;
    }
    if (!e.get("ok").asBoolean()) {
      return "parsed, expected an error";
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("values").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> v = it.next();
      if (!flags.value(v.getKey()).equals(v.getValue().asText())) {
        return "value " + v.getKey() + "=" + flags.value(v.getKey());
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = e.path("used").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> v = it.next();
      if (flags.used(v.getKey()) != v.getValue().asBoolean()) {
        return "used " + v.getKey();
      }
    }
    if (e.has("usedSorted") && !flags.usedNames().equals(strings(e.get("usedSorted")))) {
      return "usedSorted " + flags.usedNames();
    }
    return null;
  }

  private static String caseCheck(JsonNode c) {
    JsonNode e = c.get("expect");
    if (c.has("durationFlag")) {
      JsonNode f = c.get("durationFlag");
      try {
        InstructionParser.parseOptInterval(f.get("name").asText(), f.get("value").asText());
        return expectsError(e) ? "parsed, expected an error" : null;
      } catch (DockerfileException ex) {
        return expectsError(e) ? expectError(ex, e) : "error " + ex.getMessage();
      }
    }
    if (c.path("api").asText().equals("parse whole file into stages")) {
      DockerfileInstructions all =
          DockerfileInstructions.from(DockerfileParser.parse(c.get("dockerfile").asText()));
      return wholeFile(all, e);
    }
    Instruction instruction;
    try {
      Node node;
      if (c.has("astNode")) {
        JsonNode a = c.get("astNode");
        node =
            new Node(
                a.get("value").asText(),
                List.of(),
                List.of(),
                strings(a.get("args")),
                null,
                false,
                List.of(),
                a.path("original").asText(),
                SourceRange.at(1, 1),
                List.of(),
                LineMap.single(1, 1));
        instruction = InstructionParser.parse(node);
      } else {
        ParsedDockerfile parsed = DockerfileParser.parse(c.get("dockerfile").asText());
        instruction = InstructionParser.parse(parsed.instructions().get(0), parsed.escapeToken());
      }
    } catch (DockerfileException ex) {
      return expectsError(e) ? expectError(ex, e) : "error " + ex.getMessage();
    }
    if (expectsError(e)) {
      return "parsed, expected an error: " + instruction;
    }
    if (e.has("type") && !e.get("type").asText().equals(instruction.name())) {
      return "type " + instruction.name();
    }
    if (e.has("flagsUsed")) {
      List<String> used = ((RunInstruction) instruction).flagsUsed();
      if (!used.equals(strings(e.get("flagsUsed")))) {
        return "flagsUsed " + used;
      }
    }
    if (e.has("sourcesAndDest")) {
      SourcesAndDest sd =
          instruction instanceof CopyInstruction
              ? ((CopyInstruction) instruction).files()
              : ((AddInstruction) instruction).files();
      JsonNode w = e.get("sourcesAndDest");
      if (!sd.destPath().equals(w.get("destPath").asText())) {
        return "dest " + sd.destPath();
      }
      if (!sd.sourcePaths().equals(strings(w.get("sourcePaths")))) {
        return "sources " + sd.sourcePaths();
      }
      List<SourceContent> want = new ArrayList<>();
      for (JsonNode sc : w.path("sourceContents")) {
        want.add(
            new SourceContent(
                sc.get("path").asText(), sc.get("data").asText(), sc.get("expand").asBoolean()));
      }
      if (!want.equals(sd.sourceContents())) {
        return "contents " + sd.sourceContents();
      }
    }
    if (e.has("cmdLine") || e.has("prependShell") || e.has("files")) {
      CommandLine cl = ((RunInstruction) instruction).command();
      if (e.has("prependShell") && cl.prependShell() != e.get("prependShell").asBoolean()) {
        return "prependShell " + cl.prependShell();
      }
      if (e.has("cmdLine") && !cl.args().equals(strings(e.get("cmdLine")))) {
        return "cmdLine " + cl.args();
      }
      if (e.has("files")) {
        JsonNode files = e.get("files");
        if (files.size() != cl.files().size()) {
          return "files " + cl.files();
        }
        for (int i = 0; i < files.size(); i++) {
          Heredoc h = cl.files().get(i);
          JsonNode f = files.get(i);
          if (!h.name().equals(f.get("name").asText())
              || !h.content().equals(f.get("data").asText())
              || h.chomp() != f.get("chomp").asBoolean()) {
            return "file " + h;
          }
        }
      }
    }
    if (e.has("healthTest")) {
      List<String> test = ((HealthcheckInstruction) instruction).health().test();
      if (!test.equals(strings(e.get("healthTest")))) {
        return "healthTest " + test;
      }
    }
    return null;
  }

  private static String wholeFile(DockerfileInstructions all, JsonNode e) {
    JsonNode meta = e.get("metaArgs");
    if (meta != null) {
      if (meta.size() != all.metaArgs().size()) {
        return "metaArgs " + all.metaArgs().size();
      }
      for (int i = 0; i < meta.size(); i++) {
        String p = args(meta.get(i).get("args"), all.metaArgs().get(i).args());
        if (p != null) {
          return "metaArg " + i + ": " + p;
        }
      }
    }
    JsonNode stages = e.get("stages");
    if (stages != null) {
      if (stages.size() != all.stages().size()) {
        return "stages " + all.stages().size();
      }
      for (int i = 0; i < stages.size(); i++) {
        JsonNode ws = stages.get(i);
        StageInstructions st = all.stages().get(i);
        if (ws.has("docComment") && !ws.get("docComment").asText().equals(st.from().docComment())) {
          return "stage comment " + st.from().docComment();
        }
        if (ws.has("name") && !ws.get("name").asText().equals(st.from().stageName())) {
          return "stage name " + st.from().stageName();
        }
        JsonNode cmds = ws.get("commands");
        if (cmds != null) {
          if (cmds.size() != st.commands().size()) {
            return "commands " + st.commands().size();
          }
          for (int k = 0; k < cmds.size(); k++) {
            Instruction ins = st.commands().get(k);
            JsonNode wc = cmds.get(k);
            if (wc.has("type") && !wc.get("type").asText().equals(ins.name())) {
              return "command type " + ins.name();
            }
            if (wc.has("args")) {
              String p = args(wc.get("args"), ((ArgInstruction) ins).args());
              if (p != null) {
                return p;
              }
            }
          }
        }
      }
    }
    return null;
  }

  private static String args(JsonNode want, List<ArgDeclaration> got) {
    if (want.size() != got.size()) {
      return "args " + got;
    }
    for (int i = 0; i < want.size(); i++) {
      JsonNode w = want.get(i);
      ArgDeclaration g = got.get(i);
      if (w.has("key") && !w.get("key").asText().equals(g.key())) {
        return "arg key " + g.key();
      }
      if (w.has("docComment") && !w.get("docComment").asText().equals(g.docComment())) {
        return "arg comment " + g;
      }
      if (w.has("value")
          && !(w.get("value").isNull()
              ? g.defaultValue() == null
              : w.get("value").asText().equals(g.defaultValue()))) {
        return "arg value " + g;
      }
    }
    return null;
  }
}
