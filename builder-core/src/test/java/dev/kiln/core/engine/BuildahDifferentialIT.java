package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.RepositoryRoot;
import dev.kiln.testdata.image.ImageInspector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kiln against {@code buildah build} (Debian's buildah, 1.28 on the reference machine) on the
 * RUN-free Dockerfiles in {@code testdata/compat/no-run/<case>/} (a {@code Dockerfile}, a {@code
 * context/} directory, and optionally {@code modes}: lines of {@code MODE PATH} applied to the
 * context copy, since git keeps no modes but 0644 and 0755).
 *
 * <p>Both tools start from the same base: kiln's busybox image written as an OCI layout and pulled
 * into an isolated buildah store ({@code vfs} driver, its own root and runroot). Both results are
 * unpacked with umoci and compared path by path (type, mode, owners, size, content, link target),
 * and their configs field by field. Every difference must be on {@link #ALLOWED}: a place where
 * kiln follows BuildKit and buildah does something else. An allowed difference that no longer
 * occurs fails the test too, so the list stays true.
 */
class BuildahDifferentialIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path CASES = RepositoryRoot.resolve("testdata/compat/no-run");

  /** A difference that is BuildKit-vs-buildah semantics, not a kiln bug. */
  record Allowed(String caseName, String what, String reason) {}

  /**
   * The explicit allow-list. Keys are {@code tree:<path>} or {@code config:<field>}. Differences
   * that hold for every case (buildah's own label, history text, Env order, port ranges) are
   * normalised in {@link #configView} instead, each with its reason there.
   */
  static final List<Allowed> ALLOWED =
      List.of(
          // WORKDIR: BuildKit's dispatchWorkdir always adds llb.Mkdir(wd, 0755, WithParents,
          // WithUser(USER)), a layer holding the missing directories. buildah (imagebuilder) only
          // records WorkingDir; the directory appears when a RUN needs it (buildah#2475,
          // openshift/imagebuilder#87), so a RUN-free image has none.
          new Allowed("config", "tree:srv", "WORKDIR /srv/app creates /srv (BuildKit only)"),
          new Allowed("config", "tree:srv/app", "WORKDIR /srv/app creates it (BuildKit only)"),
          new Allowed(
              "config",
              "tree:home/kiln/work",
              "WORKDIR /home/kiln/work after USER kiln:users creates it as 1000:100 (BuildKit"
                  + " only)"),
          // Shell-form CMD after SHELL: BuildKit's dispatchCmd runs withShell(image, args), which
          // uses the stage's SHELL (["/bin/sh","-ec"]); buildah 1.28 prefixes shell-form CMD with
          // /bin/sh -c whatever SHELL says (SHELL only reaches buildah's RUN, and only in docker
          // format: buildah#1581, #2959, #3537).
          new Allowed("config", "config:Cmd", "shell-form CMD uses SHELL in BuildKit only"));

  @TempDir static Path work;
  static BuildHarness kiln;
  static List<String> buildah;

  @BeforeAll
  static void bases() throws Exception {
    ProcessRunner.run(List.of("buildah", "--version")).requireSuccess();
    kiln = new BuildHarness(work);
    kiln.installBusybox();
    Path baseLayout = work.resolve("base-layout");
    Path baseContext = kiln.context().dockerfile("FROM busybox:kiln\n").root();
    kiln.build(
        baseContext,
        b ->
            b.output(
                OutputSpecParser.parse("type=oci,tar=false,name=base:kiln,dest=" + baseLayout)));
    // An isolated store: this test must not touch (or depend on) /var/lib/containers.
    Path store = Files.createDirectories(work.resolve("buildah"));
    buildah =
        List.of(
            "buildah",
            "--root",
            store.resolve("root").toString(),
            "--runroot",
            store.resolve("runroot").toString(),
            "--storage-driver",
            "vfs");
    String id = buildah("pull", "-q", "oci:" + baseLayout + ":kiln").trim();
    buildah("tag", id, "localhost/busybox:kiln");
  }

  private static String buildah(String... args) {
    List<String> command = new ArrayList<>(buildah);
    command.addAll(List.of(args));
    return ProcessRunner.run(command, Map.of(), Duration.ofMinutes(5)).requireSuccess().stdout();
  }

  static Stream<String> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(CASES)) {
      return dirs
          .filter(d -> Files.isRegularFile(d.resolve("Dockerfile")))
          .map(d -> d.getFileName().toString())
          .sorted()
          .collect(Collectors.toList())
          .stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void kilnAndBuildahAgreeUpToTheAllowList(String name) throws Exception {
    Path caseDir = CASES.resolve(name);
    Path dockerfile = caseDir.resolve("Dockerfile");
    Path ctx = copyContext(caseDir, kiln.newDir("compat-" + name).resolve("context"));

    Path kilnLayout = kiln.newDir("kiln-" + name).resolve("layout");
    kiln.build(
        ctx,
        b ->
            b.dockerfile(dockerfile)
                .output(
                    OutputSpecParser.parse("type=oci,tar=false,name=x:kiln,dest=" + kilnLayout)));
    var fromKiln = ImageInspector.unpackLayout(kilnLayout, "kiln", kiln.newDir("unpack-kiln"));

    // --format docker: in OCI format buildah drops HEALTHCHECK, SHELL and ONBUILD (it warns),
    // which would hide whether it agrees on them. The config is read from buildah's own record.
    String image = "compat-" + name;
    buildah(
        "build",
        "-q",
        "--layers",
        "--isolation",
        "chroot",
        "--pull=never",
        "--format",
        "docker",
        "-f",
        dockerfile.toString(),
        "-t",
        image,
        ctx.toString());
    Path buildahLayout = kiln.newDir("buildah-" + name).resolve("layout");
    buildah("push", "-q", image, "oci:" + buildahLayout + ":buildah");
    var fromBuildah =
        ImageInspector.unpackLayout(buildahLayout, "buildah", kiln.newDir("unpack-buildah"));
    JsonNode buildahConfig =
        JSON.readTree(buildah("inspect", "--type", "image", image)).path("Docker");

    Map<String, String> differences = new TreeMap<>();
    Map<String, FileFacts> k = FileFacts.tree(fromKiln.rootfs());
    Map<String, FileFacts> b = FileFacts.tree(fromBuildah.rootfs());
    for (String path : union(k.keySet(), b.keySet())) {
      if (!java.util.Objects.equals(k.get(path), b.get(path))) {
        differences.put("tree:" + path, "kiln " + k.get(path) + ", buildah " + b.get(path));
      }
    }
    JsonNode kv = configView(fromKiln.configJson(), false);
    JsonNode bv = configView(buildahConfig, true);
    for (String field : union(iterable(kv.fieldNames()), iterable(bv.fieldNames()))) {
      if (!kv.path(field).equals(bv.path(field))) {
        differences.put(
            "config:" + field, "kiln " + kv.path(field) + ", buildah " + bv.path(field));
      }
    }

    Set<String> allowed = new TreeSet<>();
    ALLOWED.stream().filter(a -> a.caseName().equals(name)).forEach(a -> allowed.add(a.what()));
    Map<String, String> unexpected = new TreeMap<>(differences);
    unexpected.keySet().removeAll(allowed);
    assertEquals(Map.of(), unexpected, "differences not on the allow-list in case " + name);
    Set<String> stale = new TreeSet<>(allowed);
    stale.removeAll(differences.keySet());
    assertTrue(
        stale.isEmpty(), "allowed differences that no longer occur in " + name + ": " + stale);
  }

  /**
   * The config fields both tools should agree on, normalised where buildah differs for every image
   * and for reasons that are not kiln's.
   */
  static JsonNode configView(JsonNode image, boolean fromBuildah) {
    ObjectNode view = JSON.createObjectNode();
    JsonNode c = image.path("config");
    view.put("os", image.path("os").asText());
    view.put("architecture", image.path("architecture").asText());
    view.put("author", image.path("author").asText(""));
    for (String field :
        List.of("User", "WorkingDir", "StopSignal", "Entrypoint", "Cmd", "Shell", "OnBuild")) {
      JsonNode v = c.path(field);
      boolean empty =
          v.isMissingNode()
              || v.isNull()
              || (v.isTextual() && v.asText().isEmpty())
              || (v.isArray() && v.isEmpty());
      view.set(field, empty ? JSON.nullNode() : v);
    }
    view.set("Volumes", keys(c.path("Volumes")));
    JsonNode health = c.path("Healthcheck");
    view.set("Healthcheck", health.isMissingNode() ? JSON.nullNode() : health);
    // Env: compared as a map. BuildKit's addEnv replaces a variable in place; buildah removes it
    // and appends it, so ENV PATH=… moves PATH to the end there.
    ObjectNode env = JSON.createObjectNode();
    List<String> vars = new ArrayList<>();
    c.path("Env").forEach(e -> vars.add(e.asText()));
    vars.sort(null);
    for (String e : vars) {
      int eq = e.indexOf('=');
      env.put(e.substring(0, eq), e.substring(eq + 1));
    }
    view.set("Env", env);
    // Labels: buildah stamps its own io.buildah.version on every image.
    ObjectNode labels = JSON.createObjectNode();
    new TreeMap<String, JsonNode>(toMap(c.path("Labels"))).forEach(labels::set);
    if (fromBuildah) {
      labels.remove("io.buildah.version");
    }
    view.set("Labels", labels);
    // ExposedPorts: BuildKit's parsePortSpec expands 9000-9001/tcp into one key per port;
    // buildah keeps the range as one key.
    TreeSet<String> ports = new TreeSet<>();
    for (String key : iterable(c.path("ExposedPorts").fieldNames())) {
      String[] portProto = key.split("/", 2);
      String[] range = portProto[0].split("-", 2);
      int from = Integer.parseInt(range[0]);
      int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
      for (int p = from; p <= to; p++) {
        ports.add(p + "/" + portProto[1]);
      }
    }
    view.set("ExposedPorts", JSON.valueToTree(ports));
    // Not compared: history (buildah writes imagebuilder's "/bin/sh -c #(nop) …" created_by and a
    // "FROM <parent>" comment, kiln BuildKit's text), created times, and the docker-only fields
    // buildah fills (Hostname, container, parent, container_config).
    return view;
  }

  private static Path copyContext(Path caseDir, Path target) throws IOException {
    Path source = caseDir.resolve("context");
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path to = target.resolve(source.relativize(p).toString());
        if (Files.isSymbolicLink(p)) {
          Files.createSymbolicLink(to, Files.readSymbolicLink(p));
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(to);
        } else {
          Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    Path modes = caseDir.resolve("modes");
    if (Files.isRegularFile(modes)) {
      for (String line : Files.readAllLines(modes)) {
        if (!line.isBlank()) {
          String[] parts = line.trim().split("\\s+", 2);
          Files.setAttribute(target.resolve(parts[1]), "unix:mode", Integer.parseInt(parts[0], 8));
        }
      }
    }
    return target;
  }

  private static JsonNode keys(JsonNode object) {
    TreeSet<String> out = new TreeSet<>();
    object.fieldNames().forEachRemaining(out::add);
    return JSON.valueToTree(out);
  }

  private static Map<String, JsonNode> toMap(JsonNode object) {
    Map<String, JsonNode> out = new TreeMap<>();
    object.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  private static <T> Iterable<T> iterable(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static TreeSet<String> union(Iterable<String> a, Iterable<String> b) {
    TreeSet<String> out = new TreeSet<>();
    a.forEach(out::add);
    b.forEach(out::add);
    return out;
  }
}
