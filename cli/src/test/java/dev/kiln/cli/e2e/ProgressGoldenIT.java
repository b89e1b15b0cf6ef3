package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden tests of {@code --progress=plain} and {@code --progress=rawjson} for one small fixed build
 * (COPY, a RUN that prints, ENV, LABEL), run twice.
 *
 * <p>Between the two runs only times may differ: elapsed times, the seconds before each RUN output
 * line, and rawjson's {@code time}. Against the golden files, three more things are normalised
 * because they legitimately differ between machines: the image digest and size (the base image is
 * built from this machine's busybox-static binary), and the text of the two notes that say which
 * sandbox and snapshotter RUN uses here (runc or chroot, overlay or copy, with versions and paths).
 * Everything else (step numbers and labels, order, output lines, summary wording, references, event
 * types and fields) must match exactly.
 *
 * <p>To regenerate the golden files after a deliberate change: {@code mvn verify -pl cli
 * -Dit.test=ProgressGoldenIT -Dkiln.golden.update=true}, then review the diff.
 */
class ProgressGoldenIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  @TempDir static Path home;
  static KilnCli kiln;
  static Path context;

  @BeforeAll
  static void setUp() {
    kiln = new KilnCli(home);
    kiln.buildBusyboxBase();
    context =
        kiln.context(
            "golden",
            Map.of(
                "Dockerfile",
                "FROM busybox:test\n"
                    + "COPY greeting.txt /greeting.txt\n"
                    + "RUN cat /greeting.txt && echo layer > /made.txt\n"
                    + "ENV MODE=golden\n"
                    + "LABEL org.example.test=golden\n",
                "greeting.txt",
                "hello, golden\n"));
  }

  private static KilnCli.Result build(String progress) {
    return kiln.run(
            "build",
            "--progress=" + progress,
            "--no-cache", // both runs execute every step, whatever the cache holds
            "--debug", // both runs say the notes on how RUN runs, which a store says once
            "--source-date-epoch=1700000000",
            "-t",
            "golden:1",
            context.toString())
        .ok();
  }

  @Test
  void plainOutputIsStableAndMatchesTheGoldenFile() throws IOException {
    KilnCli.Result first = build("plain");
    KilnCli.Result second = build("plain");
    String digest = first.stdout().strip();
    assertEquals(digest, second.stdout().strip(), "the same build gives the same image");
    assertTrue(first.stderr().contains("built " + digest), first.describe());
    assertEquals(plainTimes(first.stderr()), plainTimes(second.stderr()));
    golden("build.plain.txt", plainMachine(plainTimes(first.stderr())));
  }

  @Test
  void rawJsonIsStableOneObjectPerLineAndMatchesTheGoldenFile() throws IOException {
    KilnCli.Result first = build("rawjson");
    KilnCli.Result second = build("rawjson");
    String digest = first.stdout().strip();
    assertTrue(first.stderr().contains("\"digest\":\"" + digest + "\""), first.describe());
    assertEquals(jsonTimes(first.stderr()), jsonTimes(second.stderr()));
    golden("build.rawjson.jsonl", jsonMachine(jsonTimes(first.stderr())));
  }

  @Test
  void theNotesOnHowRunRunsAreSaidOncePerStoreAndWithDebug() {
    KilnCli fresh = kiln.withEnv("KILN_CACHE_DIR", home.resolve("notes-store").toString());
    fresh.buildBusyboxBase();
    List<String> args = List.of("build", "--progress=plain", "--no-cache", context.toString());
    String first = fresh.run(args.toArray(String[]::new)).ok().stderr();
    assertTrue(first.contains("note: RUN isolation "), first);
    assertTrue(first.contains("note: RUN snapshots "), first);
    KilnCli.Result again = fresh.run(args.toArray(String[]::new)).ok();
    assertFalse(again.stderr().contains("note: RUN"), again.describe());
    List<String> debug = new ArrayList<>(args);
    debug.add(1, "--debug");
    KilnCli.Result withDebug = fresh.run(debug.toArray(String[]::new)).ok();
    assertTrue(withDebug.stderr().contains("note: RUN isolation "), withDebug.describe());
    assertTrue(withDebug.stderr().contains("note: RUN snapshots "), withDebug.describe());
  }

  /** Plain output with elapsed times and output-line offsets replaced. */
  static String plainTimes(String text) {
    return text.replaceAll("DONE (\\d+\\.\\d+s|\\d+m\\d\\ds)", "DONE <elapsed>")
        .replaceAll("(?m)^(#\\d+) \\d+\\.\\d{3} ", "$1 <t> ")
        .replaceAll(" in (\\d+\\.\\d+s|\\d+m\\d\\ds): ", " in <elapsed>: ");
  }

  /** Plain output with this machine's digest, size and sandbox notes replaced too. */
  static String plainMachine(String text) {
    return DIGEST
        .matcher(text)
        .replaceAll("sha256:<digest>")
        .replaceAll("\\(\\d+(\\.\\d+)?[kMGT]?B\\)", "(<size>)")
        .replaceAll("(?m)^note: RUN (isolation|snapshots) .*$", "note: RUN $1 <this machine's>");
  }

  /** Each JSON line re-serialised with {@code time} and {@code elapsedMillis} replaced. */
  static String jsonTimes(String text) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String line : text.lines().toList()) {
      JsonNode node = JSON.readTree(line); // every line must be one JSON object
      assertTrue(node.isObject(), line);
      ObjectNode o = (ObjectNode) node;
      java.time.Instant.parse(o.path("time").asText()); // RFC 3339, as documented
      o.put("time", "<time>");
      if (o.has("elapsedMillis")) {
        o.put("elapsedMillis", 0);
      }
      out.append(JSON.writeValueAsString(o)).append('\n');
    }
    return out.toString();
  }

  static String jsonMachine(String text) throws IOException {
    StringBuilder out = new StringBuilder();
    for (String line : text.lines().toList()) {
      ObjectNode o = (ObjectNode) JSON.readTree(DIGEST.matcher(line).replaceAll("sha256:<digest>"));
      if ("build.completed".equals(o.path("type").asText())) {
        o.put("size", 0);
      }
      if ("note".equals(o.path("type").asText())) {
        String message = o.path("message").asText();
        o.put(
            "message",
            message.replaceAll("^RUN (isolation|snapshots) .*$", "RUN $1 <this machine's>"));
      }
      out.append(JSON.writeValueAsString(o)).append('\n');
    }
    return out.toString();
  }

  private static void golden(String name, String actual) throws IOException {
    Path file =
        Path.of(System.getProperty("kiln.root", "."))
            .resolve("cli/src/test/resources/dev/kiln/cli/e2e/golden")
            .resolve(name);
    if (Boolean.getBoolean("kiln.golden.update")) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, actual, StandardCharsets.UTF_8);
    }
    String expected = Files.readString(file, StandardCharsets.UTF_8);
    assertEquals(lines(expected), lines(actual), "differs from " + file);
  }

  private static String lines(String text) {
    return text.lines().collect(Collectors.joining("\n", "", "\n"));
  }
}
