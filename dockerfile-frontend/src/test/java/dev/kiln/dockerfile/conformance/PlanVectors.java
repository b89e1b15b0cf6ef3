package dev.kiln.dockerfile.conformance;

import static dev.kiln.dockerfile.conformance.ConformanceTest.expectError;
import static dev.kiln.dockerfile.conformance.ConformanceTest.expectsError;
import static dev.kiln.dockerfile.conformance.ConformanceTest.id;
import static dev.kiln.dockerfile.conformance.ConformanceTest.readJson;
import static dev.kiln.dockerfile.conformance.ConformanceTest.strings;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.dockerfile.instructions.GoDuration;
import dev.kiln.dockerfile.instructions.HealthConfig;
import dev.kiln.dockerfile.instructions.KeyValue;
import dev.kiln.dockerfile.instructions.LabelInstruction;
import dev.kiln.dockerfile.instructions.PortSpecs;
import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.dockerfile.plan.BuildOptions;
import dev.kiln.dockerfile.plan.BuildPlan;
import dev.kiln.dockerfile.plan.DispatchedInstruction;
import dev.kiln.dockerfile.plan.Stage;
import dev.kiln.dockerfile.plan.StageBase;
import dev.kiln.dockerfile.plan.StageDispatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** dockerfile2llb/*.json and build/args.json. */
final class PlanVectors {
  private PlanVectors() {}

  static SetResult all(Path dir) {
    SetResult r = new SetResult("dockerfile2llb");
    Path d = dir.resolve("dockerfile2llb");
    for (JsonNode c : readJson(d.resolve("convert.json")).path("cases")) {
      if (c.has("requires") || c.path("expect").has("baseImage")) {
        r.defer();
        continue;
      }
      r.run(id(c), () -> convert(c));
    }
    for (JsonNode c : readJson(d.resolve("add-env.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            List<String> set = strings(c.get("set"));
            List<String> got = BuildPlan.addEnv(strings(c.get("env")), set.get(0), set.get(1));
            return got.equals(strings(c.get("expect"))) ? null : "env " + got;
          });
    }
    for (JsonNode c : readJson(d.resolve("expose-ports.json")).path("cases")) {
      r.run(
          id(c),
          () -> {
            JsonNode e = c.get("expect");
            List<String> got;
            try {
              got =
                  c.get("api").asText().equals("parsePort")
                      ? PortSpecs.parsePort(c.get("input").asText())
                      : PortSpecs.parsePorts(strings(c.get("input")));
            } catch (DockerfileException ex) {
              return expectsError(e) ? expectError(ex, e) : "error " + ex.getMessage();
            }
            if (expectsError(e)) {
              return "parsed " + got;
            }
            return got.equals(strings(e.get("ports"))) ? null : "ports " + got;
          });
    }
    return r;
  }

  private static String convert(JsonNode c) {
    JsonNode e = c.get("expect");
    if (c.has("healthcheck")) {
      JsonNode h = c.get("healthcheck");
      HealthConfig hc =
          new HealthConfig(
              strings(h.get("test")),
              GoDuration.parse(h.path("interval").asText("0")),
              GoDuration.parse(h.path("timeout").asText("0")),
              GoDuration.parse(h.path("startPeriod").asText("0")),
              GoDuration.parse(h.path("startInterval").asText("0")),
              h.path("retries").asInt());
      String got = hc.historyText();
      return got.equals(e.get("historyCreatedBy").asText()) ? null : "history " + got;
    }
    Map<String, String> args = new HashMap<>();
    c.path("buildArgs").fields().forEachRemaining(f -> args.put(f.getKey(), f.getValue().asText()));
    BuildOptions options =
        BuildOptions.defaults().withBuildArgs(args).withTarget(c.path("target").asText(""));
    if (!c.has("dockerfile")) {
      Map<String, String> proxy = BuildPlan.compile("FROM scratch".getBytes(), options).proxyEnv();
      return proxyCheck(proxy, e.get("proxyEnv"));
    }
    BuildPlan plan;
    Map<String, String> labels = new LinkedHashMap<>();
    try {
      plan =
          BuildPlan.compile(c.get("dockerfile").asText().getBytes(StandardCharsets.UTF_8), options);
      Map<Integer, List<String>> envs = new HashMap<>();
      for (Stage s : plan.executionOrder()) {
        List<String> base =
            s.base() instanceof StageBase.Stage
                ? envs.get(((StageBase.Stage) s.base()).index())
                : List.of();
        StageDispatch sd = plan.dispatch(s.index(), base);
        envs.put(s.index(), sd.imageEnv());
        if (s.index() == plan.target().index()) {
          for (DispatchedInstruction di : sd.steps()) {
            if (di.expanded() instanceof LabelInstruction) {
              for (KeyValue kv : ((LabelInstruction) di.expanded()).labels()) {
                labels.put(kv.key(), kv.value());
              }
            }
          }
        }
      }
    } catch (DockerfileException ex) {
      return expectsError(e) ? expectError(ex, e) : "error " + ex.getMessage();
    }
    if (expectsError(e)) {
      return "compiled, expected an error";
    }
    if (e.has("labels")) {
      Map<String, String> want = new LinkedHashMap<>();
      e.get("labels").fields().forEachRemaining(f -> want.put(f.getKey(), f.getValue().asText()));
      if (!want.equals(labels)) {
        return "labels " + labels;
      }
    }
    if (e.has("proxyEnv")) {
      return proxyCheck(plan.proxyEnv(), e.get("proxyEnv"));
    }
    return null;
  }

  private static String proxyCheck(Map<String, String> proxy, JsonNode want) {
    if (want == null || want.isNull()) {
      return proxy.isEmpty() ? null : "proxy " + proxy;
    }
    Map<String, String> expected = new HashMap<>();
    Map<String, String> names =
        Map.of(
            "HTTPProxy", "HTTP_PROXY",
            "HTTPSProxy", "HTTPS_PROXY",
            "FTPProxy", "FTP_PROXY",
            "NoProxy", "NO_PROXY",
            "AllProxy", "ALL_PROXY");
    want.fields()
        .forEachRemaining(
            f -> {
              if (!f.getValue().asText().isEmpty()) {
                expected.put(names.getOrDefault(f.getKey(), f.getKey()), f.getValue().asText());
              }
            });
    return expected.equals(proxy) ? null : "proxy " + proxy;
  }

  static SetResult buildArgs(Path dir) {
    SetResult r = new SetResult("build/args.json");
    for (JsonNode ignored : readJson(dir.resolve("build/args.json")).path("cases")) {
      // Every case runs a real build (base images and a RUN executor): the builder's job.
      r.defer();
    }
    return r;
  }
}
