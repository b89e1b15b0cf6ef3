package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kiln.api.request.SecretSpec;
import dev.kiln.testdata.ProcessRunner;
import dev.kiln.testdata.RepositoryRoot;
import dev.kiln.testdata.image.ImageInspector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kiln against {@code buildah build} on the RUN-heavy Dockerfiles of {@code testdata/compat/run}:
 * both build each case from the same busybox base, {@code umoci unpack} reads both results, and the
 * trees and configs must agree except for the {@link TreeAllowance}s and {@link ConfigAllowance}s
 * below, each a genuine semantic difference of one tool.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BuildahCompatIT {
  private RunFixture kiln;
  private Buildah buildah;
  private Path baseRootfs;
  private final Set<String> used = new java.util.concurrent.ConcurrentSkipListSet<>();
  private int casesRun;

  static Stream<String> cases() throws IOException {
    try (Stream<Path> dirs = Files.list(casesDir())) {
      return dirs
          .filter(d -> Files.isRegularFile(d.resolve("Dockerfile")))
          .map(p -> p.getFileName().toString())
          .sorted()
          .toList()
          .stream();
    }
  }

  private static Path casesDir() {
    return RepositoryRoot.resolve("testdata/compat/run");
  }

  @BeforeAll
  void installBase(@TempDir Path work) throws Exception {
    String version = Buildah.version();
    assertTrue(version.startsWith("buildah version"), "buildah cannot run here: " + version);
    kiln = new RunFixture(work.resolve("kiln"), "auto", "auto");
    Path baseLayout = work.resolve("busybox-layout");
    kiln.installBusybox(baseLayout);
    buildah = new Buildah(work.resolve("buildah"));
    // The same image (same layer digests) under the name FROM busybox:test resolves to.
    buildah.importImage(baseLayout, "test", "docker.io/library/busybox:test");
    baseRootfs = ImageInspector.unpackLayout(baseLayout, "test", work.resolve("base")).rootfs();
  }

  @AfterAll
  void removeBuildahImages() {
    if (buildah != null) {
      buildah.close();
    }
  }

  /** Once every case has passed, every allowance must have been needed: the list stays true. */
  @AfterAll
  void everyAllowanceIsStillNeeded() throws IOException {
    if (casesRun < cases().count()) {
      return; // a single case was selected, or one failed (and reports that)
    }
    TreeSet<String> stale = new TreeSet<>();
    for (TreeAllowance a : TreeAllowance.values()) {
      stale.add(a.name());
    }
    for (ConfigAllowance a : ConfigAllowance.values()) {
      stale.add(a.name());
    }
    stale.removeAll(used);
    assertEquals(new TreeSet<String>(), stale, "allowances no case needs any more");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void kilnAndBuildahBuildTheSameImage(String name) throws Exception {
    Path caseDir = casesDir().resolve(name);
    Path dockerfile = caseDir.resolve("Dockerfile");
    Path ctx = kiln.newDir("compat-" + name);
    ProcessRunner.run(List.of("cp", "-a", caseDir.resolve("context") + "/.", ctx.toString()))
        .requireSuccess();
    HostSetcap.into(Files.createDirectory(ctx.resolve("hosttools")));
    Map<String, String> buildArgs = buildArgs(caseDir.resolve("build-args"));
    Path secret = caseDir.resolve("secret.txt");

    long started = System.nanoTime();
    RunImage ours =
        kiln.build(
            ctx,
            b -> {
              b.dockerfile(dockerfile);
              buildArgs.forEach(b::buildArg);
              if (Files.exists(secret)) {
                b.secret(SecretSpec.parse("id=tok,src=" + secret));
              }
            });
    long kilnMillis = (System.nanoTime() - started) / 1_000_000;

    List<String> extra = new ArrayList<>(List.of("-f", dockerfile.toString()));
    buildArgs.forEach((k, v) -> extra.addAll(List.of("--build-arg", k + "=" + v)));
    if (Files.exists(secret)) {
      extra.addAll(List.of("--secret", "id=tok,src=" + secret));
    }
    started = System.nanoTime();
    buildah.build(ctx, "localhost/compat-" + name + ":latest", extra);
    long buildahMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.println(
        "[" + name + "] build time: kiln " + kilnMillis + " ms, buildah " + buildahMillis + " ms");
    Path theirLayout = kiln.newDir("buildah-layout");
    buildah.push("localhost/compat-" + name + ":latest", theirLayout, "image");
    var theirs = ImageInspector.unpackLayout(theirLayout, "image", kiln.newDir("buildah-unpack"));

    List<String> mountTargets = mountTargets(Files.readString(dockerfile));
    TreeComparison trees =
        TreeComparison.of(
            TreeFacts.of(baseRootfs), TreeFacts.of(ours.rootfs()), TreeFacts.of(theirs.rootfs()));
    List<String> unexplained = new ArrayList<>();
    List<String> allowed = new ArrayList<>();
    for (TreeComparison.Difference d : trees.differences()) {
      TreeAllowance allowance = TreeAllowance.find(d, mountTargets, trees);
      if (allowance == null) {
        unexplained.add(d.toString());
      } else {
        allowed.add(d.path() + ": " + allowance);
        used.add(allowance.name());
      }
    }
    List<String> configDiffs = new ArrayList<>();
    for (ConfigComparison.Difference d :
        ConfigComparison.of(ours.config(), theirs.configJson()).differences()) {
      ConfigAllowance allowance = ConfigAllowance.find(d);
      if (allowance == null) {
        configDiffs.add(d.toString());
      } else {
        allowed.add(d.field() + ": " + allowance);
        used.add(allowance.name());
      }
    }
    System.out.println("[" + name + "] allowed differences:\n  " + String.join("\n  ", allowed));
    assertEquals(List.of(), unexplained, "tree differences kiln vs buildah in " + name);
    assertEquals(List.of(), configDiffs, "config differences kiln vs buildah in " + name);
    casesRun++;
  }

  private static Map<String, String> buildArgs(Path file) throws IOException {
    Map<String, String> out = new TreeMap<>();
    if (Files.exists(file)) {
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          out.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    }
    return out;
  }

  /** Every {@code target=} of a {@code RUN --mount} in the Dockerfile, without leading slash. */
  static List<String> mountTargets(String dockerfile) {
    List<String> out = new ArrayList<>();
    var matcher =
        java.util.regex.Pattern.compile("--mount=\\S*?target=([^,\\s]+)").matcher(dockerfile);
    while (matcher.find()) {
      out.add(matcher.group(1).replaceAll("^/+", ""));
    }
    out.add("run/secrets/tok");
    return out;
  }

  /** Two unpacked trees compared path by path, with the base they were built on. */
  record TreeComparison(
      TreeMap<String, TreeFacts.PathFacts> base,
      TreeMap<String, TreeFacts.PathFacts> kiln,
      TreeMap<String, TreeFacts.PathFacts> buildah) {

    record Difference(String path, TreeFacts.PathFacts kiln, TreeFacts.PathFacts buildah) {
      @Override
      public String toString() {
        return path + "\n      kiln:    " + show(kiln) + "\n      buildah: " + show(buildah);
      }

      private static String show(TreeFacts.PathFacts f) {
        return f == null ? "(absent)" : f.toString();
      }
    }

    static TreeComparison of(
        TreeMap<String, TreeFacts.PathFacts> base,
        TreeMap<String, TreeFacts.PathFacts> kiln,
        TreeMap<String, TreeFacts.PathFacts> buildah) {
      return new TreeComparison(base, kiln, buildah);
    }

    List<Difference> differences() {
      TreeSet<String> paths = new TreeSet<>(kiln.keySet());
      paths.addAll(buildah.keySet());
      List<Difference> out = new ArrayList<>();
      for (String p : paths) {
        TreeFacts.PathFacts k = kiln.get(p);
        TreeFacts.PathFacts b = buildah.get(p);
        if (k == null || !k.equals(b)) {
          out.add(new Difference(p, k, b));
        }
      }
      return out;
    }

    /** Whether {@code dir} holds only directories (or nothing) in buildah's tree. */
    boolean onlyDirectoriesInBuildah(String dir) {
      String prefix = dir + "/";
      return buildah.tailMap(prefix, true).entrySet().stream()
          .takeWhile(e -> e.getKey().startsWith(prefix))
          .allMatch(e -> e.getValue().type() == 'd');
    }
  }

  /** A difference in the trees that is one tool's documented behaviour, with the reason. */
  enum TreeAllowance {
    /**
     * buildah's chroot isolation bind-mounts the hosts, hostname and resolv.conf it generates onto
     * files it first creates, empty and 0755, in the rootfs, and commits those placeholders when
     * the base had none (buildah issue #3808: "/etc/hosts is empty" in built images). BuildKit (and
     * kiln) mount them without leaving anything in the layer.
     */
    BUILDAH_NETWORK_FILE_PLACEHOLDERS(
        "buildah commits the empty placeholder it bind-mounted its generated file onto") {
      @Override
      boolean matches(TreeComparison.Difference d, List<String> mounts, TreeComparison t) {
        return d.kiln() == null
            && List.of("etc/hosts", "etc/hostname", "etc/resolv.conf").contains(d.path())
            && d.buildah().type() == 'f'
            && d.buildah().size() == 0
            && !t.base().containsKey(d.path());
      }
    },
    /**
     * buildah creates the directories a mount needs ({@code /run} for the {@code
     * /run/.containerenv} it binds into every RUN, {@code /run/secrets}, the missing parents of a
     * {@code --mount} target) and removes only the mount point itself afterwards; BuildKit and kiln
     * remove every directory they created for a mount, so the step's layer holds only what the
     * command wrote.
     */
    BUILDAH_KEEPS_MOUNT_PARENTS(
        "buildah keeps the empty parent directories it created for a mount point") {
      @Override
      boolean matches(TreeComparison.Difference d, List<String> mounts, TreeComparison t) {
        return d.kiln() == null
            && d.buildah().type() == 'd'
            && !t.base().containsKey(d.path())
            && t.onlyDirectoriesInBuildah(d.path())
            && (d.path().equals("run")
                || d.path().startsWith("run/")
                || mounts.stream().anyMatch(m -> m.startsWith(d.path() + "/")));
      }
    };

    private final String reason;

    TreeAllowance(String reason) {
      this.reason = reason;
    }

    abstract boolean matches(TreeComparison.Difference d, List<String> mounts, TreeComparison t);

    static TreeAllowance find(TreeComparison.Difference d, List<String> mounts, TreeComparison t) {
      for (TreeAllowance a : values()) {
        if (a.matches(d, mounts, t)) {
          return a;
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return name() + " (" + reason + ")";
    }
  }

  /** The parts of two image configs that must agree, history entry by entry. */
  record ConfigComparison(JsonNode kiln, JsonNode buildah) {
    record Difference(String field, JsonNode kiln, JsonNode buildah) {
      @Override
      public String toString() {
        return field + "\n      kiln:    " + kiln + "\n      buildah: " + buildah;
      }
    }

    static ConfigComparison of(JsonNode kiln, JsonNode buildah) {
      return new ConfigComparison(kiln, buildah);
    }

    List<Difference> differences() {
      List<Difference> out = new ArrayList<>();
      for (String top : List.of("architecture", "os")) {
        compare(top, kiln.path(top), buildah.path(top), out);
      }
      for (String field :
          List.of(
              "User",
              "Env",
              "WorkingDir",
              "Entrypoint",
              "Cmd",
              "Labels",
              "ExposedPorts",
              "Volumes",
              "StopSignal")) {
        compare(
            "config." + field,
            kiln.path("config").path(field),
            buildah.path("config").path(field),
            out);
      }
      compare(
          "rootfs.type",
          kiln.path("rootfs").path("type"),
          buildah.path("rootfs").path("type"),
          out);
      JsonNode kh = kiln.path("history");
      JsonNode bh = buildah.path("history");
      if (kh.size() != bh.size()) {
        out.add(new Difference("history (one entry per instruction)", kh, bh));
      } else {
        for (int i = 0; i < kh.size(); i++) {
          JsonNode k = entry(kh.get(i));
          JsonNode b = entry(bh.get(i));
          compare("history[" + i + "]", k, b, out);
        }
      }
      return out;
    }

    /** A history entry reduced to what both tools record: the text and whether it has a layer. */
    private static JsonNode entry(JsonNode h) {
      var node = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
      node.put("created_by", h.path("created_by").asText());
      node.put("empty_layer", h.path("empty_layer").asBoolean());
      return node;
    }

    private static void compare(String field, JsonNode a, JsonNode b, List<Difference> out) {
      boolean aEmpty = a.isMissingNode() || a.isNull() || (a.isContainerNode() && a.isEmpty());
      boolean bEmpty = b.isMissingNode() || b.isNull() || (b.isContainerNode() && b.isEmpty());
      if (aEmpty && bEmpty) {
        return;
      }
      if (!a.equals(b)) {
        out.add(new Difference(field, a, b));
      }
    }
  }

  /** A difference in the configs that is one tool's documented behaviour, with the reason. */
  enum ConfigAllowance {
    /** buildah stamps every image it builds with its own version. */
    BUILDAH_VERSION_LABEL("buildah adds the label io.buildah.version") {
      @Override
      boolean matches(ConfigComparison.Difference d) {
        if (!d.field().equals("config.Labels")) {
          return false;
        }
        var theirs = ((com.fasterxml.jackson.databind.node.ObjectNode) d.buildah().deepCopy());
        theirs.remove("io.buildah.version");
        return d.kiln().isMissingNode() || d.kiln().isNull()
            ? theirs.isEmpty()
            : theirs.equals(d.kiln());
      }
    },
    /**
     * The same variables in another order: BuildKit's addEnv (and kiln) replaces a variable that
     * {@code ENV} sets again where it stands, here the default PATH the stage starts with; buildah
     * removes it and appends it, so {@code ENV … PATH=…} moves PATH behind the others.
     */
    ENV_REDEFINED_IN_PLACE("the same variables; kiln, as BuildKit, redefines PATH in place") {
      @Override
      boolean matches(ConfigComparison.Difference d) {
        if (!d.field().equals("config.Env")) {
          return false;
        }
        TreeSet<String> k = new TreeSet<>();
        d.kiln().forEach(e -> k.add(e.asText()));
        TreeSet<String> b = new TreeSet<>();
        d.buildah().forEach(e -> b.add(e.asText()));
        return k.equals(b) && d.kiln().get(0).asText().startsWith("PATH=");
      }
    },
    /**
     * Config-only instructions: buildah writes the classic builder's {@code /bin/sh -c #(nop)
     * KEYWORD args-as-written}, kiln writes BuildKit's {@code KEYWORD expanded-args}. Same
     * instruction, same (empty) layer.
     */
    CONFIG_HISTORY_TEXT("buildah's '#(nop) KEYWORD' text against BuildKit's 'KEYWORD args'") {
      @Override
      boolean matches(ConfigComparison.Difference d) {
        if (!d.field().startsWith("history[")) {
          return false;
        }
        String keyword = buildahKeyword(d.buildah());
        return keyword != null && text(d.kiln()).startsWith(keyword) && sameLayer(d);
      }
    },
    /**
     * WORKDIR of a missing directory: BuildKit (and kiln) create it as a step of its own, with a
     * layer; buildah creates it in the container without a layer, so it lands in the layer of the
     * next RUN.
     */
    WORKDIR_MAKES_A_LAYER("kiln, as BuildKit, writes a created WORKDIR as its own layer") {
      @Override
      boolean matches(ConfigComparison.Difference d) {
        return d.field().startsWith("history[")
            && "WORKDIR".equals(buildahKeyword(d.buildah()))
            && text(d.kiln()).startsWith("WORKDIR ")
            && !d.kiln().path("empty_layer").asBoolean()
            && d.buildah().path("empty_layer").asBoolean();
      }
    },
    /**
     * RUN: buildah writes {@code [|N args ]/bin/sh -c [--mount flags ]command-as-written} (always
     * {@code /bin/sh -c}, even for the exec form, which it keeps as JSON, and under SHELL), kiln
     * writes BuildKit's {@code RUN [|N args ]argv # buildkit}, the argv being what really ran.
     */
    RUN_HISTORY_TEXT(
        "buildah's '/bin/sh -c command' text against BuildKit's 'RUN argv # buildkit'") {
      @Override
      boolean matches(ConfigComparison.Difference d) {
        return d.field().startsWith("history[") && sameRun(d) && sameLayer(d);
      }
    },
    /**
     * A RUN that changed nothing in the image (it wrote only into a cache mount): BuildKit and kiln
     * add no layer; buildah with --layers commits one for every RUN, here holding only the parent
     * directories it made for the mount point.
     */
    RUN_WITHOUT_CHANGES("kiln, as BuildKit, adds no layer for a RUN that changed nothing") {
      @Override
      boolean matches(ConfigComparison.Difference d) {
        return d.field().startsWith("history[")
            && sameRun(d)
            && d.kiln().path("empty_layer").asBoolean()
            && !d.buildah().path("empty_layer").asBoolean()
            && text(d.buildah()).contains("--mount=");
      }
    };

    private final String reason;

    ConfigAllowance(String reason) {
      this.reason = reason;
    }

    abstract boolean matches(ConfigComparison.Difference d);

    private static String text(JsonNode entry) {
      return entry.path("created_by").asText();
    }

    private static boolean sameLayer(ConfigComparison.Difference d) {
      return d.kiln().path("empty_layer").asBoolean()
          == d.buildah().path("empty_layer").asBoolean();
    }

    /** The instruction of a buildah config-only entry ("/bin/sh -c #(nop) ENV …"), else null. */
    private static String buildahKeyword(JsonNode entry) {
      String t = text(entry);
      int nop = t.indexOf("#(nop) ");
      if (nop < 0) {
        return null;
      }
      String rest = t.substring(nop + "#(nop) ".length()).trim();
      int space = rest.indexOf(' ');
      return space < 0 ? rest : rest.substring(0, space);
    }

    /** Whether both entries record the same RUN (build args and command). */
    private static boolean sameRun(ConfigComparison.Difference d) {
      String k = text(d.kiln());
      String b = text(d.buildah());
      if (!k.startsWith("RUN ") || !k.endsWith(" # buildkit") || b.contains("#(nop)")) {
        return false;
      }
      k = k.substring("RUN ".length(), k.length() - " # buildkit".length());
      String kArgs = argsPrefix(k);
      String bArgs = argsPrefix(b);
      if (!kArgs.equals(bArgs)) {
        return false;
      }
      k = k.substring(kArgs.length());
      b = b.substring(bArgs.length());
      if (!b.startsWith("/bin/sh -c ")) {
        return false;
      }
      b = b.substring("/bin/sh -c ".length()).replaceAll("^(--mount=\\S+\\s+)+", "");
      if (b.startsWith("[")) {
        try {
          List<String> argv = new ArrayList<>();
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(b)
              .forEach(a -> argv.add(a.asText()));
          return k.equals(String.join(" ", argv));
        } catch (IOException e) {
          return false;
        }
      }
      // kiln's argv is the shell (SHELL or /bin/sh -c) followed by the command.
      return k.endsWith(" " + b);
    }

    /** "|N K=V … " at the start of a RUN history text, or "". */
    private static String argsPrefix(String text) {
      var m = java.util.regex.Pattern.compile("^\\|(\\d+) ").matcher(text);
      if (!m.find()) {
        return "";
      }
      int n = Integer.parseInt(m.group(1));
      int end = m.end();
      for (int i = 0; i < n; i++) {
        end = text.indexOf(' ', end) + 1;
      }
      return text.substring(0, end);
    }

    static ConfigAllowance find(ConfigComparison.Difference d) {
      for (ConfigAllowance a : values()) {
        if (a.matches(d)) {
          return a;
        }
      }
      return null;
    }

    @Override
    public String toString() {
      return name() + " (" + reason + ")";
    }
  }
}
