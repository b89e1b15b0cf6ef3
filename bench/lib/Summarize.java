import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Turns one benchmark run's measurements into its report: {@code summary.csv} (median, min and max
 * per row, ratios), {@code table.md} (also printed) and RESULTS.md with the machine, the targets
 * met or missed, and the exact commands. Run by bench/run.sh as a single-file program:
 *
 * <pre>java bench/lib/Summarize.java OUT_DIR RESULTS_FILE BENCH_DIR</pre>
 *
 * Nothing here measures: it only reads OUT_DIR (raw.csv, commands.tsv, machine.txt, jmh*.csv and
 * the byte counts the script wrote), so the report can be regenerated from a run's files.
 */
public final class Summarize {
  private static final Locale L = Locale.ROOT;

  /** One measured command. */
  record Run(
      String section,
      String workload,
      String phase,
      String tool,
      String isolation,
      int rep,
      double wall,
      double cpu,
      long rssKib,
      long requests,
      long blobsUp,
      long mounts,
      long bytesUp,
      long bytesDown,
      int exit,
      double load1) {
    String key() {
      return String.join("|", section, workload, phase, tool, isolation);
    }

    boolean ok() {
      return exit == 0;
    }
  }

  /** The runs of one row key, reduced. */
  record Row(
      String section,
      String workload,
      String phase,
      String tool,
      String isolation,
      int n,
      int failed,
      double wallMedian,
      double wallMin,
      double wallMax,
      double cpuMedian,
      long rssMaxKib,
      double requestsMedian,
      long requestsMax,
      double blobsUpMedian,
      long blobsUpMax,
      double mountsMedian,
      double bytesUpMedian,
      long bytesUpMax,
      double bytesDownMedian,
      long bytesDownMax,
      double loadMedian) {
    String rowKey() {
      return String.join("|", section, workload, phase, isolation);
    }
  }

  private final Path out;
  private final List<Run> runs;
  private final Map<String, Row> rows = new LinkedHashMap<>();

  Summarize(Path out) throws IOException {
    this.out = out;
    this.runs = readRuns(out.resolve("raw.csv"));
    Map<String, List<Run>> byKey =
        runs.stream().collect(Collectors.groupingBy(Run::key, LinkedHashMap::new, Collectors.toList()));
    byKey.forEach((k, v) -> rows.put(k, reduce(v)));
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: java Summarize.java OUT_DIR RESULTS_FILE BENCH_DIR");
      System.exit(2);
    }
    Summarize s = new Summarize(Path.of(args[0]));
    String tables = s.tables();
    write(s.out.resolve("table.md"), tables);
    write(s.out.resolve("summary.csv"), s.summaryCsv());
    write(Path.of(args[1]), s.results(tables));
    System.out.println(tables);
  }

  // ------------------------------------------------------------------ reading

  private static List<Run> readRuns(Path csv) throws IOException {
    List<Run> list = new ArrayList<>();
    if (!Files.exists(csv)) {
      return list;
    }
    List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
    for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      list.add(
          new Run(
              f[0], f[1], f[2], f[3], f[4], Integer.parseInt(f[5]), d(f[6]), d(f[7]), l(f[8]),
              l(f[9]), l(f[10]), l(f[11]), l(f[12]), l(f[13]), (int) l(f[14]), d(f[15])));
    }
    return list;
  }

  private static double d(String s) {
    return s.isBlank() ? 0 : Double.parseDouble(s);
  }

  private static long l(String s) {
    return s.isBlank() ? 0 : Long.parseLong(s.trim());
  }

  private static Row reduce(List<Run> all) {
    Run first = all.get(0);
    List<Run> ok = all.stream().filter(Run::ok).toList();
    int failed = all.size() - ok.size();
    return new Row(
        first.section(),
        first.workload(),
        first.phase(),
        first.tool(),
        first.isolation(),
        ok.size(),
        failed,
        median(ok, Run::wall),
        ok.stream().mapToDouble(Run::wall).min().orElse(Double.NaN),
        ok.stream().mapToDouble(Run::wall).max().orElse(Double.NaN),
        median(ok, Run::cpu),
        ok.stream().mapToLong(Run::rssKib).max().orElse(0),
        median(ok, r -> (double) r.requests()),
        ok.stream().mapToLong(Run::requests).max().orElse(0),
        median(ok, r -> (double) r.blobsUp()),
        ok.stream().mapToLong(Run::blobsUp).max().orElse(0),
        median(ok, r -> (double) r.mounts()),
        median(ok, r -> (double) r.bytesUp()),
        ok.stream().mapToLong(Run::bytesUp).max().orElse(0),
        median(ok, r -> (double) r.bytesDown()),
        ok.stream().mapToLong(Run::bytesDown).max().orElse(0),
        median(all, Run::load1));
  }

  private static double median(List<Run> list, Function<Run, Double> value) {
    double[] v = list.stream().mapToDouble(value::apply).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  // ------------------------------------------------------------------ peers

  private static String peerOf(String section) {
    switch (section) {
      case "builds":
      case "startup":
      case "realworld":
      case "multiarch":
        return "buildah";
      case "transfer":
        return "skopeo";
      case "javaapp":
        return "jib";
      default:
        return null;
    }
  }

  private Optional<Row> row(String section, String workload, String phase, String tool, String iso) {
    return Optional.ofNullable(rows.get(String.join("|", section, workload, phase, tool, iso)));
  }

  private Optional<Row> peer(Row kiln) {
    String p = peerOf(kiln.section());
    return p == null ? Optional.empty() : row(kiln.section(), kiln.workload(), kiln.phase(), p, kiln.isolation());
  }

  private List<Row> rowsOf(String section) {
    return rows.values().stream().filter(r -> r.section().equals(section)).toList();
  }

  // ------------------------------------------------------------------ formatting

  private static String secs(double s) {
    if (Double.isNaN(s)) {
      return "–";
    }
    return s < 10 ? String.format(L, "%.2f", s) : String.format(L, "%.1f", s);
  }

  /** Text for a Markdown table cell: a bare | would end the cell. */
  private static String cell(String text) {
    return text.replace("|", "\\|");
  }

  private static String spread(Row r) {
    if (r.n() == 0) {
      return "failed";
    }
    String text =
        r.n() == 1
            ? secs(r.wallMedian())
            : secs(r.wallMedian()) + " (" + secs(r.wallMin()) + "–" + secs(r.wallMax()) + ")";
    return r.failed() > 0 ? text + " ⚠" + r.failed() + " failed" : text;
  }

  private static String ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b <= 0) {
      return "–";
    }
    return String.format(L, "%.2f×", a / b);
  }

  private static String mib(long kib) {
    return kib == 0 ? "–" : String.valueOf(Math.round(kib / 1024.0));
  }

  private static String bytes(double b) {
    if (Double.isNaN(b)) {
      return "–";
    }
    if (b < 1024) {
      return String.format(L, "%.0f B", b);
    }
    if (b < 1024 * 1024) {
      return String.format(L, "%.1f KiB", b / 1024);
    }
    if (b < 1024L * 1024 * 1024) {
      return String.format(L, "%.1f MiB", b / 1048576);
    }
    return String.format(L, "%.2f GiB", b / 1073741824.0);
  }

  private static String num(double v) {
    return Double.isNaN(v) ? "–" : (v == Math.rint(v) ? String.valueOf((long) v) : String.format(L, "%.1f", v));
  }

  private static String registry(Row r) {
    if (r == null) {
      return "–";
    }
    return num(r.requestsMedian())
        + " req, "
        + num(r.blobsUpMedian())
        + " blobs ("
        + bytes(r.bytesUpMedian())
        + ") up"
        + (r.mountsMedian() > 0 ? ", " + num(r.mountsMedian()) + " mounted" : "")
        + ", "
        + bytes(r.bytesDownMedian())
        + " down";
  }

  private static final List<String> PHASES =
      List.of("cold", "warm", "touch", "edit", "clean", "push-new", "push-again", "pull");

  private static int phaseOrder(String phase) {
    int i = PHASES.indexOf(phase);
    return i < 0 ? PHASES.size() : i;
  }

  // ------------------------------------------------------------------ tables

  String tables() {
    StringBuilder md = new StringBuilder();
    buildsTables(md);
    launcherTable(md);
    startupTable(md);
    realworldTables(md);
    multiarchTable(md);
    transferTable(md);
    javaappTable(md);
    jmhTables(md);
    return md.toString();
  }

  private List<Row> kilnRows(String section) {
    return rowsOf(section).stream()
        .filter(r -> r.tool().equals("kiln"))
        .sorted(
            Comparator.comparing((Row r) -> workloadOrder(r.workload()))
                .thenComparing(Row::isolation)
                .thenComparing(r -> phaseOrder(r.phase())))
        .toList();
  }

  private List<String> workloads = List.of();

  private int workloadOrder(String w) {
    if (workloads.isEmpty()) {
      workloads = runs.stream().map(Run::workload).distinct().toList();
    }
    return workloads.indexOf(w);
  }

  private void multiarchTable(StringBuilder md) {
    List<Row> kiln = kilnRows("multiarch");
    if (kiln.isEmpty()) {
      return;
    }
    md.append(
        "### Two platforms: kiln `--platform linux/amd64,linux/arm64` vs `buildah build --platform"
            + " … --manifest`\n\n");
    md.append(
        "One Dockerfile (a $BUILDPLATFORM builder, a runtime stage with COPY and RUN per platform;"
            + " arm64's RUN under binfmt_misc emulation for both tools), from a two-platform busybox"
            + " in the run's registry. Wall seconds, median (min–max).\n\n");
    md.append("| phase | kiln s | buildah s | kiln/buildah wall | kiln CPU s | buildah CPU s |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    for (Row k : kiln) {
      Row b = peer(k).orElse(null);
      md.append(
          String.format(
              L,
              "| %s | %s | %s | **%s** | %s | %s |\n",
              k.phase(),
              spread(k),
              b == null ? "–" : spread(b),
              b == null ? "–" : ratio(k.wallMedian(), b.wallMedian()),
              secs(k.cpuMedian()),
              b == null ? "–" : secs(b.cpuMedian())));
    }
    md.append('\n');
  }

  private void buildsTables(StringBuilder md) {
    List<Row> kiln = kilnRows("builds");
    if (kiln.isEmpty()) {
      return;
    }
    md.append("### Builds: kiln vs `buildah build --layers`\n\n");
    md.append(
        "Wall seconds, median (min–max) over the repetitions; CPU is user+sys seconds of the whole"
            + " process tree (median); RSS is the largest peak resident set seen.\n\n");
    md.append(
        "| workload | isolation | phase | kiln s | buildah s | kiln/buildah wall | kiln CPU s | buildah CPU s | kiln/buildah CPU | kiln RSS MiB | buildah RSS MiB |\n");
    md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row k : kiln) {
      if (k.phase().startsWith("push")) {
        continue;
      }
      Row b = peer(k).orElse(null);
      md.append(
          String.format(
              L,
              "| %s | %s | %s | %s | %s | **%s** | %s | %s | %s | %s | %s |\n",
              k.workload(),
              k.isolation(),
              k.phase(),
              spread(k),
              b == null ? "–" : spread(b),
              b == null ? "–" : ratio(k.wallMedian(), b.wallMedian()),
              secs(k.cpuMedian()),
              b == null ? "–" : secs(b.cpuMedian()),
              b == null ? "–" : ratio(k.cpuMedian(), b.cpuMedian()),
              mib(k.rssMaxKib()),
              b == null ? "–" : mib(b.rssMaxKib())));
    }
    md.append('\n');
    List<Row> pushes = kiln.stream().filter(r -> r.phase().startsWith("push")).toList();
    if (!pushes.isEmpty()) {
      md.append("### Builds: pushing the built image\n\n");
      md.append(
          "push-new: to a new repository of an empty registry; push-again: the unchanged image to"
              + " the same tag. Registry figures are medians from the registry's access log (up:"
              + " stored size of every completed blob or manifest upload; down: manifest and blob"
              + " GET bodies).\n\n");
      md.append("| workload | phase | kiln s | buildah s | kiln/buildah | kiln registry | buildah registry |\n");
      md.append("|---|---|---:|---:|---:|---|---|\n");
      for (Row k : pushes) {
        Row b = peer(k).orElse(null);
        md.append(
            String.format(
                L,
                "| %s | %s | %s | %s | **%s** | %s | %s |\n",
                k.workload(),
                k.phase(),
                spread(k),
                b == null ? "–" : spread(b),
                b == null ? "–" : ratio(k.wallMedian(), b.wallMedian()),
                registry(k),
                registry(b)));
      }
      md.append('\n');
    }
    Optional<Row> limit = row("builds", "bigctx", "cold", "tar | gzip -6", "-");
    Optional<Row> kilnBig = row("builds", "bigctx", "cold", "kiln", "-");
    long ctxBytes = readLong("bigctx-bytes");
    if (limit.isPresent() && kilnBig.isPresent() && ctxBytes > 0) {
      Row g = limit.get();
      Row k = kilnBig.get();
      md.append("### Big-context layer creation vs `tar | gzip -6`\n\n");
      md.append("| | wall s | CPU s | cores used (CPU/wall) | MB/s wall | MB/s per CPU-second | peak RSS MiB |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : List.of(k, g)) {
        md.append(
            String.format(
                L,
                "| %s | %s | %s | %.2f | %.1f | %.1f | %s |\n",
                r == k ? "kiln cold build (`COPY . /app`, whole process)" : cell("`tar -cf - . | gzip -6`"),
                spread(r),
                secs(r.cpuMedian()),
                r.cpuMedian() / r.wallMedian(),
                ctxBytes / 1e6 / r.wallMedian(),
                ctxBytes / 1e6 / r.cpuMedian(),
                mib(r.rssMaxKib())));
      }
      md.append(
          String.format(
              L,
              "\nContext: %s. kiln's per-core throughput is %.0f %% of gzip -6's. The context is"
                  + " random bytes: kiln writes incompressible 128 KiB blocks as deflate stored"
                  + " blocks (a level-1 probe of 16 KiB decides), gzip -6 deflates everything.\n\n",
              bytes(ctxBytes),
              100 * g.cpuMedian() / k.cpuMedian()));
    }
  }

  private void startupTable(StringBuilder md) {
    List<Row> list =
        rowsOf("startup").stream().filter(r -> r.tool().startsWith("kiln")).toList();
    if (list.isEmpty()) {
      return;
    }
    Row base = list.stream().filter(r -> r.tool().equals("kiln")).findFirst().orElse(list.get(0));
    Row buildah = row("startup", "multistage", "warm", "buildah", base.isolation()).orElse(null);
    md.append("### JVM start-up: warm no-change rebuild of `multistage` under JVM options\n\n");
    md.append(
        "Through the launcher the machine section names: `kiln` is the launcher as it is, with"
            + " `-XX:+UseSerialGC` and its class-data archive (./kiln: the AppCDS archive it writes"
            + " once per jar, `-XX:ArchiveClassesAtExit` during a tiny offline build, then"
            + " `-XX:SharedArchiveFile`; a release's bin/kiln: its AOT cache); `no AppCDS` is"
            + " `KILN_CDS=0` (./kiln: the JDK's default CDS only; a release's runtime has no default"
            + " archive, so none at all); other options go through `KILN_JAVA_OPTS`. C1 ="
            + " `-XX:TieredStopAtLevel=1`; `before` is the launcher without AppCDS and with G1, the"
            + " JVM's default collector.\n\n");
    md.append("| variant | wall s | vs default kiln | vs buildah | CPU s | RSS MiB |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    for (Row r : list) {
      md.append(
          String.format(
              L,
              "| %s | %s | %s | **%s** | %s | %s |\n",
              cell(r.tool()),
              spread(r),
              ratio(r.wallMedian(), base.wallMedian()),
              buildah == null ? "–" : ratio(r.wallMedian(), buildah.wallMedian()),
              secs(r.cpuMedian()),
              mib(r.rssMaxKib())));
    }
    if (buildah != null) {
      md.append(
          String.format(
              L,
              "| buildah (reference) | %s | – | 1.00× | %s | %s |\n",
              spread(buildah),
              secs(buildah.cpuMedian()),
              mib(buildah.rssMaxKib())));
    }
    md.append('\n');
  }

  private void transferTable(StringBuilder md) {
    List<Row> list =
        rowsOf("transfer").stream()
            .filter(r -> r.tool().startsWith("kiln"))
            .sorted(Comparator.comparing(Row::tool).thenComparing(r -> phaseOrder(r.phase())))
            .toList();
    if (list.isEmpty()) {
      return;
    }
    long total = readLong("transfer-bytes");
    md.append(
        String.format(
            L,
            "### Registry transfer: %s multi-layer image, kiln vs `skopeo copy`\n\n",
            bytes(total)));
    md.append(
        "kiln = `TransferMain` (bench/jmh) on `RegistryClient`; kiln CLI = `kiln push`/`kiln pull`"
            + " when this checkout has them. MB/s counts the image's blob bytes.\n\n");
    md.append("| tool | operation | kiln s | skopeo s | kiln/skopeo | kiln MB/s | skopeo MB/s | kiln registry | skopeo registry |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---|---|\n");
    for (Row k : list) {
      Row s = row("transfer", k.workload(), k.phase(), "skopeo", k.isolation()).orElse(null);
      boolean moves = !k.phase().equals("push-again");
      md.append(
          String.format(
              L,
              "| %s | %s | %s | %s | **%s** | %s | %s | %s | %s |\n",
              k.tool(),
              k.phase(),
              spread(k),
              s == null ? "–" : spread(s),
              s == null ? "–" : ratio(k.wallMedian(), s.wallMedian()),
              moves && total > 0 ? String.format(L, "%.0f", total / 1e6 / k.wallMedian()) : "–",
              moves && total > 0 && s != null ? String.format(L, "%.0f", total / 1e6 / s.wallMedian()) : "–",
              registry(k),
              registry(s)));
    }
    md.append('\n');
  }

  private void javaappTable(StringBuilder md) {
    List<Row> list = kilnRows("javaapp");
    if (list.isEmpty()) {
      String skipped = readText("javaapp-skipped");
      if (!skipped.isBlank()) {
        md.append("### Java app: kiln:build vs jib:build\n\n").append(skipped.trim()).append(".\n\n");
      }
      return;
    }
    md.append("### Java app: `mvn … kiln:build` vs `mvn … jib:build` (build and push)\n\n");
    md.append(
        "Wall figures are whole `mvn` runs (Maven start, compile, package, image, push); the goal"
            + " columns are the image goal's share, from Maven's log timestamps (its first line to"
            + " BUILD SUCCESS), median.\n\n");
    md.append("| phase | kiln s | jib s | kiln/jib | kiln goal s | jib goal s | goal kiln/jib | kiln CPU s | jib CPU s | kiln registry | jib registry |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n");
    Map<String, List<Double>> goals = new LinkedHashMap<>();
    for (String line : readText("javaapp-goal.csv").split("\n")) {
      String[] f = line.split(",");
      if (f.length == 4) {
        goals.computeIfAbsent(f[0] + "|" + f[1], x -> new ArrayList<>()).add(Double.parseDouble(f[3]));
      }
    }
    for (Row k : list) {
      Row j = peer(k).orElse(null);
      double kg = medianOf(goals.get("kiln|" + k.phase()));
      double jg = medianOf(goals.get("jib|" + k.phase()));
      md.append(
          String.format(
              L,
              "| %s | %s | %s | **%s** | %s | %s | **%s** | %s | %s | %s | %s |\n",
              k.phase(),
              spread(k),
              j == null ? "–" : spread(j),
              j == null ? "–" : ratio(k.wallMedian(), j.wallMedian()),
              secs(kg),
              secs(jg),
              ratio(kg, jg),
              secs(k.cpuMedian()),
              j == null ? "–" : secs(j.cpuMedian()),
              registry(k),
              registry(j)));
    }
    md.append('\n');
  }

  private static double medianOf(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return Double.NaN;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  // ------------------------------------------------------------------ real-world builds

  /** Real-world phases in the order they run, with issue 15's kiln/buildah bound (0 = none). */
  private static final Map<String, Double> RW_PHASE_TARGETS =
      new LinkedHashMap<>(
          Map.of(
              "cold", 0.8,
              "edit", 0.5,
              "warm", 0.35,
              "warm-pull-missing", 0.0,
              "push-new", 0.0,
              "nocache", 0.0));

  private static final List<String> RW_PHASES =
      List.of("cold", "edit", "warm", "warm-pull-missing", "push-new", "nocache");

  private static final String RW_ISO = "chroot";

  private static String rwPhaseName(String phase) {
    switch (phase) {
      case "edit":
        return "edit one file, rebuild";
      case "warm":
        return "no-change rebuild";
      case "warm-pull-missing":
        return "no-change rebuild, stored base (kiln --pull=missing, buildah --pull=false)";
      case "push-new":
        return "push (new repository)";
      case "nocache":
        return "--no-cache rebuild, bases stored";
      default:
        return phase;
    }
  }

  private List<String> rwApps() {
    return runs.stream()
        .filter(r -> r.section().equals("realworld"))
        .map(Run::workload)
        .distinct()
        .toList();
  }

  /** Lines of a tab-separated file the script wrote, split. */
  private List<String[]> tsv(String name) {
    List<String[]> lines = new ArrayList<>();
    for (String line : readText(name).split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.split("\t", -1));
      }
    }
    return lines;
  }

  /** The tool's own peak RSS (KiB, largest over the repetitions) for one app and phase. */
  private long ownPeakKib(String app, String phase, String tool) {
    return tsv("realworld-rss.tsv").stream()
        .filter(f -> f.length == 5 && f[0].equals(app) && f[1].equals(phase) && f[2].equals(tool))
        .mapToLong(f -> l(f[4]))
        .max()
        .orElse(0);
  }

  private String rss(String app, String phase, String tool, Row r) {
    long own = ownPeakKib(app, phase, tool);
    return (own == 0 ? "–" : mib(own)) + " / " + (r == null ? "–" : mib(r.rssMaxKib()));
  }

  /** One of kiln's FROM, WORKDIR, USER or COPY --from steps, as its rawjson events named it. */
  private record RwStep(String app, String stage, int index, String text) {
    /** Issue 15 bounds WORKDIR, USER and COPY --from; FROM is shown for its registry round trip. */
    boolean hasTarget() {
      return !text.trim().toUpperCase(Locale.ROOT).startsWith("FROM ");
    }
  }

  private static boolean watchedStep(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    return (t.startsWith("FROM ") && !t.startsWith("FROM SCRATCH"))
        || t.startsWith("WORKDIR ")
        || t.startsWith("USER ")
        || t.startsWith("COPY --FROM");
  }

  /** Step → phase → the milliseconds of each run in which it ran (cached runs add nothing). */
  private Map<RwStep, Map<String, List<Double>>> rwSteps() {
    Map<RwStep, Map<String, List<Double>>> steps = new LinkedHashMap<>();
    for (String[] f : tsv("realworld-steps.tsv")) {
      // app, phase, rep, stage, index, ran|cached, elapsed ms, text
      if (f.length != 8 || !watchedStep(f[7])) {
        continue;
      }
      RwStep step = new RwStep(f[0], f[3], (int) l(f[4]), f[7]);
      List<Double> ms = steps.computeIfAbsent(step, x -> new LinkedHashMap<>()).computeIfAbsent(f[1], x -> new ArrayList<>());
      if (f[5].equals("ran") && !f[6].isBlank()) {
        ms.add(Double.parseDouble(f[6]));
      }
    }
    List<String> apps = rwApps();
    Map<RwStep, Map<String, List<Double>>> sorted = new LinkedHashMap<>();
    steps.keySet().stream()
        .sorted(Comparator.comparing((RwStep s) -> apps.indexOf(s.app())))
        .forEach(s -> sorted.put(s, steps.get(s)));
    return sorted;
  }

  private static String stepMs(RwStep step, List<Double> ms, boolean judged) {
    if (ms == null) {
      return "–";
    }
    if (ms.isEmpty()) {
      return "cached";
    }
    double m = medianOf(ms);
    String text = String.format(L, "%.0f", m);
    return judged && step.hasTarget() && m > 50 ? "**" + text + "**" : text;
  }

  private void realworldTables(StringBuilder md) {
    List<String> apps = rwApps();
    if (apps.isEmpty()) {
      return;
    }
    md.append("### Real-world builds: Debian bases from the registry, kiln vs `buildah build --layers --isolation chroot`\n\n");
    StringBuilder bases = new StringBuilder();
    for (String[] f : tsv("realworld-bases.tsv")) {
      if (f.length == 2) {
        bases.append(bases.length() == 0 ? "" : ", ").append(f[0]).append(' ').append(bytes(l(f[1])));
      }
    }
    md.append(
        "Multi-stage apps of bench/realworld/apps on debootstrapped bookworm bases that both tools"
            + " pull from the run's registry ("
            + (bases.length() == 0 ? "sizes unknown" : bases + " compressed")
            + "). cold: empty store and cache mounts, page cache dropped; edit: one source file"
            + " changed; no-change: the same build again, each tool with its default pull policy"
            + " (kiln, like BuildKit, asks the registry for each base's tag; so does buildah 1.28,"
            + " whose default is --pull=true, \"pull if newer\"); no-change, stored base: the same"
            + " with the policy meant to use a stored base without asking (kiln --pull=missing,"
            + " buildah --pull=false; the registry table below shows whether each still asked),"
            + " for comparison: the target is judged on the default-policy row; push: to a new"
            + " repository of the same registry;"
            + " --no-cache: every step again (`--no-cache` for both tools) with the bases already"
            + " stored, and for kiln unpacked, by the cold build, so no base is pulled. Wall"
            + " seconds, median (min–max); RSS MiB is the tool's own process (sampled VmHWM) / the"
            + " largest process of the tree (GNU time, includes the compilers, npm and Maven of RUN"
            + " steps).\n\n");
    md.append(
        "| app | phase | kiln s | buildah s | kiln/buildah | target | kiln CPU s | buildah CPU s | kiln RSS MiB own / tree | buildah RSS MiB own / tree |\n");
    md.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String app : apps) {
      for (String phase : RW_PHASES) {
        Row k = row("realworld", app, phase, "kiln", RW_ISO).orElse(null);
        Row b = row("realworld", app, phase, "buildah", RW_ISO).orElse(null);
        if (k == null && b == null) {
          continue;
        }
        double target = RW_PHASE_TARGETS.get(phase);
        md.append(
            String.format(
                L,
                "| %s | %s | %s | %s | **%s** | %s | %s | %s | %s | %s |\n",
                app,
                rwPhaseName(phase),
                k == null ? "–" : spread(k),
                b == null ? "–" : spread(b),
                k == null || b == null ? "–" : ratio(k.wallMedian(), b.wallMedian()),
                target > 0
                    ? String.format(L, "≤ %.2f×", target)
                    : phase.equals("warm-pull-missing") ? "(not judged)" : "",
                k == null ? "–" : secs(k.cpuMedian()),
                b == null ? "–" : secs(b.cpuMedian()),
                rss(app, phase, "kiln", k),
                rss(app, phase, "buildah", b)));
      }
    }
    md.append('\n');
    md.append(
        "Registry requests, from the registry's access log (medians). A no-change rebuild's"
            + " requests are the pull policy's base checks:\n\n");
    md.append("| app | phase | kiln registry | buildah registry |\n|---|---|---|---|\n");
    for (String app : apps) {
      for (String phase : List.of("warm", "warm-pull-missing", "push-new", "nocache")) {
        Row k = row("realworld", app, phase, "kiln", RW_ISO).orElse(null);
        Row b = row("realworld", app, phase, "buildah", RW_ISO).orElse(null);
        if (k != null || b != null) {
          md.append(
              String.format(
                  L, "| %s | %s | %s | %s |\n", app, rwPhaseName(phase), registry(k), registry(b)));
        }
      }
    }
    md.append('\n');
    pushBreakdown(md, apps);
    String verify = readText("realworld-verify.txt");
    if (!verify.isBlank()) {
      md.append("The images each tool pushed in the first repetition, compared (untimed):\n\n");
      for (String line : verify.split("\n")) {
        md.append("- ").append(line).append('\n');
      }
      md.append('\n');
    }
    Map<RwStep, Map<String, List<Double>>> steps = rwSteps();
    if (!steps.isEmpty()) {
      md.append("### Real-world builds: kiln's FROM, WORKDIR, USER and `COPY --from` steps\n\n");
      md.append(
          "`elapsedMillis` of the step's `step.completed` event (`--progress=rawjson`), median"
              + " over the repetitions in which it ran; cached = the cache had it in every"
              + " repetition. Bold: over issue 15's 50 ms (WORKDIR, USER, `COPY --from`), judged"
              + " on the --no-cache column: there the bases are stored and unpacked, so the time"
              + " is the step's own. The cold column includes the pull and unpack of the base,"
              + " which kiln charges to the first step that needs the base's files (WORKDIR, or"
              + " a `COPY --from` reading a stage on another base). Every step of every run is in"
              + " realworld-steps.tsv.\n\n");
      md.append(
          "| app | stage | step | cold ms (incl. base pull) | edit ms | no-change ms | --no-cache ms |\n"
              + "|---|---|---|---:|---:|---:|---:|\n");
      steps.forEach(
          (s, byPhase) ->
              md.append(
                  String.format(
                      L,
                      "| %s | %s | %s | %s | %s | %s | %s |\n",
                      s.app(),
                      cell(s.stage()),
                      cell("`" + s.text() + "`"),
                      stepMs(s, byPhase.get("cold"), false),
                      stepMs(s, byPhase.get("edit"), false),
                      stepMs(s, byPhase.get("warm"), false),
                      stepMs(s, byPhase.get("nocache"), true))));
      md.append('\n');
    }
  }

  /** The launcher's start-up floor row of this run: `kiln --version` or a bare `java -version`. */
  private Optional<Row> floor(String tool) {
    return row("launcher", "start-up", "version", tool, "-").filter(r -> r.n() > 0);
  }

  /** The start-up floor as the "why" of a missed no-change target, when this run measured it. */
  private String floorWhy() {
    return floor("kiln --version")
        .map(
            f ->
                String.format(
                    L,
                    "; JVM start-up: kiln --version alone takes %s s (%s s CPU)",
                    secs(f.wallMedian()),
                    secs(f.cpuMedian())))
        .orElse("");
  }

  /**
   * What the bench can tell about why kiln took what it took in a real-world phase: the JVM's
   * start-up floor measured in the same run, and kiln's slowest steps of that phase.
   */
  private String rwWhy(String app, String phase, Row buildah) {
    List<String> why = new ArrayList<>();
    floor("kiln --version")
        .ifPresent(
            f ->
                why.add(
                    String.format(
                        L,
                        "JVM start-up: kiln --version alone takes %s s (%s s CPU)%s",
                        secs(f.wallMedian()),
                        secs(f.cpuMedian()),
                        buildah == null || buildah.n() == 0
                            ? ""
                            : String.format(L, ", %.2f× buildah's whole build", f.wallMedian() / buildah.wallMedian()))));
    List<Double> wall = new ArrayList<>();
    List<Double> build = new ArrayList<>();
    for (String[] f : tsv("realworld-builds.tsv")) {
      if (f.length == 5 && f[0].equals(app) && f[1].equals(phase)) {
        wall.add(Double.parseDouble(f[3]));
        build.add(Double.parseDouble(f[4]));
      }
    }
    if (!build.isEmpty()) {
      why.add(
          String.format(
              L,
              "the build itself (build.completed) took %.2f s of the %.2f s wall, the rest is JVM"
                  + " start-up, options and exit",
              medianOf(build) / 1000,
              medianOf(wall) / 1000));
    }
    String steps = slowestSteps(app, phase, 3);
    if (!steps.isEmpty()) {
      why.add("slowest steps " + steps);
    }
    return why.isEmpty() ? "" : "; " + String.join("; ", why);
  }

  /** kiln's N slowest steps that ran in one app and phase, by median elapsedMillis. */
  private String slowestSteps(String app, String phase, int n) {
    Map<String, List<Double>> byStep = new LinkedHashMap<>();
    for (String[] f : tsv("realworld-steps.tsv")) {
      // 0 ms steps (FROM scratch, metadata) say nothing about where the time went.
      if (f.length == 8
          && f[0].equals(app)
          && f[1].equals(phase)
          && f[5].equals("ran")
          && !f[6].isBlank()
          && Double.parseDouble(f[6]) >= 1) {
        String text = f[7].length() > 40 ? f[7].substring(0, 39) + "…" : f[7];
        byStep.computeIfAbsent("`" + text + "`", x -> new ArrayList<>()).add(Double.parseDouble(f[6]));
      }
    }
    return byStep.entrySet().stream()
        .sorted(Comparator.comparingDouble((Map.Entry<String, List<Double>> e) -> -medianOf(e.getValue())))
        .limit(n)
        .map(e -> String.format(L, "%s %.0f ms", e.getKey(), medianOf(e.getValue())))
        .collect(Collectors.joining(", "));
  }

  /**
   * Issue 15's "kiln pull and a first push ≤ 1.0× skopeo" from the transfer section: the CLI's
   * rows when this checkout has them, else the registry client's.
   */
  private void transferVerdicts(List<Verdict> v) {
    for (String phase : List.of("push-new", "pull")) {
      Row s = row("transfer", "big", phase, "skopeo", "-").filter(r -> r.n() > 0).orElse(null);
      Row k =
          row("transfer", "big", phase, "kiln CLI", "-")
              .or(() -> row("transfer", "big", phase, "kiln", "-"))
              .filter(r -> r.n() > 0)
              .orElse(null);
      if (s == null || k == null) {
        continue;
      }
      double r = k.wallMedian() / s.wallMedian();
      String why =
          floor("kiln --version")
              .filter(f -> k.tool().equals("kiln CLI"))
              .map(f -> String.format(L, "; JVM start-up: kiln --version alone takes %s s", secs(f.wallMedian())))
              .orElse("");
      v.add(
          new Verdict(
              String.format(
                  L,
                  "%s ≤ 1.0× skopeo copy (transfer section, %s image, %s)",
                  phase.equals("pull") ? "kiln pull" : "first push",
                  bytes(readLong("transfer-bytes")),
                  k.tool()),
              String.format(L, "%s s vs %s s = %.2f×", secs(k.wallMedian()), secs(s.wallMedian()), r),
              r <= 1.0,
              String.format(L, "%.2f× skopeo's time, %.2f s over", r, k.wallMedian() - s.wallMedian()) + why));
    }
  }

  /**
   * Where kiln's real-world pushes spend their wall time, from the rawjson transfer events the
   * script placed in each push's wall time (realworld-push.tsv).
   */
  private void pushBreakdown(StringBuilder md, List<String> apps) {
    List<String[]> lines = tsv("realworld-push.tsv");
    if (lines.isEmpty()) {
      return;
    }
    md.append(
        "kiln's push, where its wall time goes (median ms over the repetitions): from the start"
            + " of the process to its first transfer event (JVM start-up, opening the store, the"
            + " registry's answers about the blobs it has), from the first to the last transfer"
            + " event (the uploads), and from the last one to the exit (manifest, tag, JVM"
            + " exit); `kiln --version` is this run's start-up floor.\n\n");
    md.append(
        "| app | wall ms | start → first transfer | transfers | last transfer → exit | transfer events | kiln --version ms |\n"
            + "|---|---:|---:|---:|---:|---:|---:|\n");
    String floorMs = floor("kiln --version").map(f -> String.format(L, "%.0f", f.wallMedian() * 1000)).orElse("–");
    for (String app : apps) {
      List<String[]> mine =
          lines.stream().filter(f -> f.length == 8 && f[0].equals(app) && f[1].equals("push-new")).toList();
      if (mine.isEmpty()) {
        continue;
      }
      md.append(
          String.format(
              L,
              "| %s | %s | %s | %s | %s | %s | %s |\n",
              app,
              msMedian(mine, 3),
              msMedian(mine, 4),
              msMedian(mine, 5),
              msMedian(mine, 6),
              msMedian(mine, 7),
              floorMs));
    }
    md.append('\n');
  }

  private static String msMedian(List<String[]> lines, int column) {
    List<Double> values =
        lines.stream().filter(f -> !f[column].isBlank()).map(f -> Double.parseDouble(f[column])).toList();
    return values.isEmpty() ? "–" : String.format(L, "%.0f", medianOf(values));
  }

  /** `kiln --version` and a bare `java -version` of the launcher's JVM, measured in this run. */
  private void launcherTable(StringBuilder md) {
    List<Row> list = rowsOf("launcher");
    if (list.isEmpty()) {
      return;
    }
    md.append("### Start-up floor of the launcher that ran (see the machine section)\n\n");
    md.append(
        "What every kiln command pays before it does any work: three of each, interleaved,"
            + " before each repetition of the real-world section and each round of the start-up"
            + " section of this run; median (min–max).\n\n");
    md.append("| command | wall s | CPU s | RSS MiB |\n|---|---:|---:|---:|\n");
    for (Row r : list) {
      md.append(
          String.format(
              L, "| `%s` | %s | %s | %s |\n", r.tool(), spread(r), secs(r.cpuMedian()), mib(r.rssMaxKib())));
    }
    md.append('\n');
  }

  List<Verdict> realworldVerdicts() {
    List<Verdict> v = new ArrayList<>();
    for (String app : rwApps()) {
      for (String phase : RW_PHASES) {
        double target = RW_PHASE_TARGETS.get(phase);
        Row k = row("realworld", app, phase, "kiln", RW_ISO).orElse(null);
        Row b = row("realworld", app, phase, "buildah", RW_ISO).orElse(null);
        if (target <= 0 || k == null || b == null || k.n() == 0 || b.n() == 0) {
          continue;
        }
        double r = k.wallMedian() / b.wallMedian();
        String measured =
            String.format(L, "%s s vs %s s = %.2f×", secs(k.wallMedian()), secs(b.wallMedian()), r);
        Row missing = row("realworld", app, "warm-pull-missing", "kiln", RW_ISO).orElse(null);
        Row bMissing = row("realworld", app, "warm-pull-missing", "buildah", RW_ISO).orElse(null);
        if (phase.equals("warm")
            && missing != null
            && missing.n() > 0
            && bMissing != null
            && bMissing.n() > 0) {
          measured +=
              String.format(
                  L,
                  " (default pull policies; with a stored base, kiln --pull=missing vs buildah"
                      + " --pull=false: %s s vs %s s = %.2f×)",
                  secs(missing.wallMedian()),
                  secs(bMissing.wallMedian()),
                  missing.wallMedian() / bMissing.wallMedian());
        }
        v.add(
            new Verdict(
                String.format(L, "%s ≤ %.2f× buildah (%s)", rwPhaseName(phase), target, app),
                measured,
                r <= target,
                String.format(L, "%.2f× the target: kiln would need %s s", r / target, secs(target * b.wallMedian()))
                    + rwWhy(app, phase, b)));
      }
    }
    rwSteps()
        .forEach(
            (s, byPhase) -> {
              if (!s.hasTarget()) {
                return;
              }
              double worst = Double.NaN;
              String where = "";
              // The --no-cache phase when the run has it (the step's own cost); older runs' files
              // only have cold and edit, whose first base step includes the base's pull.
              List<String> phases =
                  byPhase.containsKey("nocache") ? List.of("nocache") : List.of("cold", "edit");
              for (String phase : phases) {
                List<Double> ms = byPhase.get(phase);
                if (ms != null && !ms.isEmpty() && !(medianOf(ms) <= worst)) {
                  worst = medianOf(ms);
                  where = phase;
                }
              }
              if (!Double.isNaN(worst)) {
                v.add(
                    new Verdict(
                        String.format(L, "`%s` ≤ 50 ms (%s, stage %s)", s.text(), s.app(), s.stage()),
                        String.format(L, "%.0f ms (%s, median)", worst, rwPhaseName(where)),
                        worst <= 50,
                        String.format(L, "%.1f× the target, %.0f ms over", worst / 50, worst - 50)
                            + (where.equals("nocache")
                                ? ""
                                : "; this run has no --no-cache phase, so the time may include"
                                    + " the pull and unpack of the base")));
              }
            });
    for (String app : rwApps()) {
      row("realworld", app, "warm", "kiln", RW_ISO)
          .filter(k -> k.n() > 0)
          .ifPresent(
              k ->
                  v.add(
                      new Verdict(
                          "no-change rebuild with registry bases ≤ 0.3 s wall incl. JVM start (" + app + ")",
                          secs(k.wallMedian())
                              + " s (median), min "
                              + secs(k.wallMin())
                              + " s"
                              + row("realworld", app, "warm-pull-missing", "kiln", RW_ISO)
                                  .filter(m -> m.n() > 0)
                                  .map(m -> "; with --pull=missing " + secs(m.wallMedian()) + " s")
                                  .orElse(""),
                          k.wallMedian() <= 0.3,
                          String.format(L, "%.1f× the target, %.2f s over", k.wallMedian() / 0.3, k.wallMedian() - 0.3)
                              + rwWhy(app, "warm", null))));
    }
    transferVerdicts(v);
    for (String app : rwApps()) {
      long own = 0;
      String at = "";
      for (String phase : RW_PHASES) {
        long kib = ownPeakKib(app, phase, "kiln");
        if (kib > own) {
          own = kib;
          at = phase;
        }
      }
      if (own > 0) {
        long tree =
            rowsOf("realworld").stream()
                .filter(r -> r.tool().equals("kiln") && r.workload().equals(app))
                .mapToLong(Row::rssMaxKib)
                .max()
                .orElse(0);
        v.add(
            new Verdict(
                "kiln peak RSS ≤ 160 MiB (" + app + ", kiln's own process)",
                mib(own) + " MiB (" + rwPhaseName(at) + "); largest process of the tree " + mib(tree) + " MiB",
                own <= 160 * 1024,
                String.format(L, "%.2f× the limit", own / (160.0 * 1024))));
      }
    }
    return v;
  }

  // ------------------------------------------------------------------ JMH

  /** Benchmark simple name (Class.method) → score in ms/op. */
  private Map<String, double[]> jmh(String file) {
    Map<String, double[]> scores = new LinkedHashMap<>();
    Path csv = out.resolve(file);
    if (!Files.exists(csv)) {
      return scores;
    }
    try {
      List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
      for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
        List<String> f = csvFields(line);
        if (f.size() < 7) {
          continue;
        }
        String name = f.get(0);
        String[] parts = name.split("\\.");
        String simple = parts[parts.length - 2] + "." + parts[parts.length - 1];
        double err = f.get(5).isBlank() || f.get(5).equals("NaN") ? Double.NaN : Double.parseDouble(f.get(5));
        scores.put(simple, new double[] {Double.parseDouble(f.get(4)), err});
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return scores;
  }

  private static List<String> csvFields(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (char c : line.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    fields.add(cur.toString());
    return fields;
  }

  private record Pair(String what, String kiln, String tool, boolean perFile) {}

  private static final List<Pair> PAIRS =
      List.of(
          new Pair("tar write (walk + tar + diffID)", "TarBenchmark.kilnTarWrite", "TarBenchmark.toolTarWrite", false),
          new Pair("tar write vs tar + sha256sum", "TarBenchmark.kilnTarWrite", "TarBenchmark.toolTarWriteSha256", false),
          new Pair("tar read (all entries, all bytes)", "TarBenchmark.kilnTarRead", "TarBenchmark.toolTarRead", false),
          new Pair("SHA-256", "Sha256Benchmark.kilnSha256", "Sha256Benchmark.toolSha256sum", false),
          new Pair("gzip layer, parallel (defaults) vs tar | gzip -6", "CompressionBenchmark.kilnGzipParallel", "CompressionBenchmark.toolTarGzip6", false),
          new Pair("gzip layer, 1 thread vs tar | gzip -6", "CompressionBenchmark.kilnGzip1Thread", "CompressionBenchmark.toolTarGzip6", false),
          new Pair("gzip layer, 1 thread vs gzip -6 of the tar", "CompressionBenchmark.kilnGzip1Thread", "CompressionBenchmark.toolGzip6", false),
          new Pair("zstd layer vs zstd -3 of the tar", "CompressionBenchmark.kilnZstd", "CompressionBenchmark.toolZstd3", false),
          new Pair("context checksum, empty memo vs sha256sum of each file", "ContextChecksumBenchmark.kilnChecksumCold", "ContextChecksumBenchmark.toolSha256sumEachFile", true),
          new Pair("context checksum, warm stat memo vs find -printf (stat only)", "ContextChecksumBenchmark.kilnChecksumWarmMemo", "ContextChecksumBenchmark.toolFindStat", true));

  private void jmhTables(StringBuilder md) {
    Map<String, double[]> s = jmh("jmh.csv");
    if (s.isEmpty()) {
      return;
    }
    long tarBytes = readLong("jmh-tar-bytes");
    long ctxFiles = readLong("jmh-ctx-files");
    long ctxBytes = readLong("jmh-ctx-bytes");
    md.append("### Microbenchmarks (JMH) next to the machine's tools\n\n");
    md.append(
        String.format(
            L,
            "Same data, same run: a %s tree / tar (text, random bytes, libjvm.so) and a %d-file"
                + " context (%s). JMH average time per operation (± 99.9 %% error); throughput is"
                + " tar bytes (or context files) per second of wall time.\n\n",
            bytes(tarBytes),
            ctxFiles,
            bytes(ctxBytes)));
    md.append("| operation | kiln ms | tool ms | kiln | tool | kiln/tool throughput |\n");
    md.append("|---|---:|---:|---:|---:|---:|\n");
    for (Pair p : PAIRS) {
      double[] k = s.get(p.kiln());
      double[] t = s.get(p.tool());
      if (k == null || t == null) {
        continue;
      }
      md.append(
          String.format(
              L,
              "| %s | %s | %s | %s | %s | **%.2f×** |\n",
              cell(p.what()),
              ms(k),
              ms(t),
              rate(k[0], p.perFile() ? ctxFiles : tarBytes, p.perFile()),
              rate(t[0], p.perFile() ? ctxFiles : tarBytes, p.perFile()),
              t[0] / k[0]));
    }
    md.append('\n');
    Map<String, double[]> c1 = jmh("jmh-c1.csv");
    if (!c1.isEmpty()) {
      md.append("What `-XX:TieredStopAtLevel=1` (C1 only, a start-up option) costs on long paths:\n\n");
      md.append("| benchmark | default ms | C1 only ms | C1 slowdown |\n|---|---:|---:|---:|\n");
      c1.forEach(
          (name, v) -> {
            double[] def = s.get(name);
            if (def != null) {
              md.append(
                  String.format(L, "| %s | %s | %s | %.2f× |\n", name, ms(def), ms(v), v[0] / def[0]));
            }
          });
      md.append('\n');
    }
  }

  private static String ms(double[] v) {
    return Double.isNaN(v[1])
        ? String.format(L, "%.1f", v[0])
        : String.format(L, "%.1f ± %.1f", v[0], v[1]);
  }

  private static String rate(double msPerOp, long amount, boolean files) {
    double perSecond = amount / (msPerOp / 1000);
    return files ? String.format(L, "%.0f files/s", perSecond) : String.format(L, "%.0f MB/s", perSecond / 1e6);
  }

  // ------------------------------------------------------------------ targets

  private record Verdict(String target, String measured, boolean met, String margin) {}

  List<Verdict> verdicts() {
    List<Verdict> v = new ArrayList<>();
    for (Row k : kilnRows("builds")) {
      Row b = peer(k).orElse(null);
      if (b == null || b.n() == 0 || k.n() == 0) {
        continue;
      }
      double r = k.wallMedian() / b.wallMedian();
      String where = k.workload() + (k.isolation().equals("-") ? "" : ", " + k.isolation());
      if (k.phase().equals("warm")) {
        v.add(
            new Verdict(
                "warm no-change rebuild ≤ 0.35× buildah (" + where + ")",
                String.format(L, "%s s vs %s s = %.2f×", secs(k.wallMedian()), secs(b.wallMedian()), r),
                r <= 0.35,
                String.format(L, "%.1f× the target", r / 0.35) + floorWhy()));
      }
      if (k.phase().equals("cold")) {
        v.add(
            new Verdict(
                "cold build ≤ 0.8× buildah (" + where + ")",
                String.format(L, "%s s vs %s s = %.2f×", secs(k.wallMedian()), secs(b.wallMedian()), r),
                r <= 0.8,
                String.format(L, "%.2f× the target", r / 0.8)));
      }
    }
    for (Row k : kilnRows("builds")) {
      if (k.workload().equals("multistage") && k.phase().equals("warm") && k.n() > 0) {
        v.add(
            new Verdict(
                "warm no-change rebuild of multistage ≤ 0.3 s wall incl. JVM start (" + k.isolation() + ")",
                secs(k.wallMedian()) + " s (median), min " + secs(k.wallMin()) + " s",
                k.wallMedian() <= 0.3,
                String.format(L, "%.1f× the target", k.wallMedian() / 0.3) + floorWhy()));
      }
    }
    rowsOf("startup").stream()
        .filter(r -> r.tool().startsWith("kiln") && r.n() > 0)
        .min(Comparator.comparingDouble(Row::wallMedian))
        .ifPresent(
            best ->
                v.add(
                    new Verdict(
                        "… with the best JVM options measured (" + best.tool() + ")",
                        secs(best.wallMedian()) + " s (median), min " + secs(best.wallMin()) + " s",
                        best.wallMedian() <= 0.3,
                        String.format(L, "%.1f× the target", best.wallMedian() / 0.3) + floorWhy())));
    List<Row> again =
        runs.stream().map(Run::section).distinct().flatMap(s -> rowsOf(s).stream())
            .filter(r -> r.tool().startsWith("kiln") && r.phase().equals("push-again") && r.n() > 0)
            .toList();
    for (Row k : again) {
      boolean met = k.blobsUpMax() == 0 && k.bytesDownMax() == 0 && k.requestsMax() <= 3;
      v.add(
          new Verdict(
              "push of an unchanged image: 0 blobs up, 0 down, ≤ 3 requests (" + k.section() + "/" + k.workload() + ", " + k.tool() + ")",
              String.format(
                  L, "worst of %d: %d blobs up, %s down, %d requests", k.n(), k.blobsUpMax(), bytes(k.bytesDownMax()), k.requestsMax()),
              met,
              met ? "" : String.format(L, "%d requests over", Math.max(0, k.requestsMax() - 3))));
    }
    Optional<Row> limit = row("builds", "bigctx", "cold", "tar | gzip -6", "-");
    Optional<Row> kilnBig = row("builds", "bigctx", "cold", "kiln", "-");
    if (limit.isPresent() && kilnBig.isPresent() && kilnBig.get().n() > 0) {
      double share = limit.get().cpuMedian() / kilnBig.get().cpuMedian();
      v.add(
          new Verdict(
              "big-context COPY: throughput per core ≥ 80 % of gzip -6 (same bytes; they are"
                  + " random, which kiln stores instead of deflating: see the JMH gzip rows for"
                  + " deflate against deflate)",
              String.format(
                  L,
                  "%.0f %% (kiln %s CPU-s, %.2f cores busy; tar | gzip -6 %s CPU-s)",
                  100 * share,
                  secs(kilnBig.get().cpuMedian()),
                  kilnBig.get().cpuMedian() / kilnBig.get().wallMedian(),
                  secs(limit.get().cpuMedian())),
              share >= 0.8,
              String.format(L, "%.0f points short", 100 * (0.8 - share))));
    }
    rowsOf("builds").stream()
        .filter(r -> r.tool().equals("kiln") && r.workload().equals("bigctx"))
        .max(Comparator.comparingLong(Row::rssMaxKib))
        .ifPresent(
            r ->
                v.add(
                    new Verdict(
                        "peak RSS ≤ 256 MiB for any layer size (bigctx, " + readLong("bigctx-bytes") / 1048576 + " MiB context)",
                        mib(r.rssMaxKib()) + " MiB (" + r.phase() + ")",
                        r.rssMaxKib() <= 256 * 1024,
                        String.format(L, "%.1f× the limit", r.rssMaxKib() / (256.0 * 1024)))));
    return v;
  }

  // ------------------------------------------------------------------ outputs

  String summaryCsv() {
    StringBuilder csv =
        new StringBuilder(
            "section,workload,phase,tool,isolation,n,failed,wall_median_s,wall_min_s,wall_max_s,"
                + "cpu_median_s,rss_max_kib,requests_median,blobs_up_median,mounts_median,"
                + "bytes_up_median,bytes_down_median,load1_median,peer,ratio_wall,ratio_cpu\n");
    for (Row r : rows.values()) {
      Row p = r.tool().startsWith("kiln") ? peer(r).orElse(null) : null;
      csv.append(
          String.format(
              L,
              "%s,%s,%s,%s,%s,%d,%d,%.3f,%.3f,%.3f,%.2f,%d,%s,%s,%s,%.0f,%.0f,%.2f,%s,%s,%s\n",
              r.section(),
              r.workload(),
              r.phase(),
              r.tool(),
              r.isolation(),
              r.n(),
              r.failed(),
              r.wallMedian(),
              r.wallMin(),
              r.wallMax(),
              r.cpuMedian(),
              r.rssMaxKib(),
              num(r.requestsMedian()),
              num(r.blobsUpMedian()),
              num(r.mountsMedian()),
              r.bytesUpMedian(),
              r.bytesDownMedian(),
              r.loadMedian(),
              p == null ? "" : p.tool(),
              p == null ? "" : String.format(L, "%.3f", r.wallMedian() / p.wallMedian()),
              p == null ? "" : String.format(L, "%.3f", r.cpuMedian() / p.cpuMedian())));
    }
    return csv.toString();
  }

  String results(String tables) {
    StringBuilder md = new StringBuilder();
    md.append("# kiln benchmark results\n\n");
    md.append(
        "Generated by `bench/run.sh` (do not edit by hand: run it again). Every kiln figure is"
            + " measured next to its peer on the same input in the same run; kiln and the peer run"
            + " interleaved.\n\n");
    md.append("## Machine and run\n\n```\n").append(readText("machine.txt").trim()).append("\n```\n\n");
    double[] loads = runs.stream().mapToDouble(Run::load1).sorted().toArray();
    if (loads.length > 0) {
      md.append(
          String.format(
              L,
              "1-minute load average just before each measured command: median %.1f, min %.1f, max"
                  + " %.1f (on %s cores). A load above the core count means other processes"
                  + " competed for the CPU: wall times are then inflated and noisier than CPU"
                  + " times.\n\n",
              loads[loads.length / 2],
              loads[0],
              loads[loads.length - 1],
              readText("machine.txt").replaceAll("(?s).*, (\\d+) cores online.*", "$1")));
    }
    verdictTable(md, "## Targets (issue #9)", verdicts());
    verdictTable(
        md,
        "## Targets (issue #15: real-world builds; kiln/buildah in the same run)",
        realworldVerdicts());
    String notes = readText("realworld-notes.txt");
    if (!notes.isBlank()) {
      md.append("Rebuilds of the real-world apps that downloaded something (npm or Maven output;")
          .append(" after the cold build, a cache or cache mount should have it all; a --no-cache")
          .append(" rebuild keeps only the cache mounts, so npm ci fetches again in it):\n\n");
      for (String line : notes.split("\n")) {
        md.append("- ").append(line).append('\n');
      }
      md.append('\n');
    }
    long failed = runs.stream().filter(r -> !r.ok()).count();
    if (failed > 0) {
      md.append("## Failed commands\n\n");
      md.append(failed).append(" measured command(s) failed and are left out of the figures:\n\n");
      runs.stream()
          .filter(r -> !r.ok())
          .forEach(
              r ->
                  md.append(
                      String.format(
                          L, "- %s / %s / %s / %s / %s, repetition %d: exit %d\n",
                          r.section(), r.workload(), r.phase(), r.tool(), r.isolation(), r.rep(), r.exit())));
      md.append('\n');
    }
    md.append("## Results\n\n").append(tables);
    md.append("## Exact commands\n\n");
    md.append(
        "`$WORK` is the run's scratch directory (`BENCH_WORK`, default `/var/tmp/kiln-bench`), `.`"
            + " the repository root; `$REGISTRY` the run's registry (`127.0.0.1:PORT`). Cold runs are preceded by"
            + " emptying the tool's cache (kiln: a copy of a store holding only the base images;"
            + " buildah: a new `--root` with only the base images pulled from their OCI layouts)"
            + " and `sync; echo 3 > /proc/sys/vm/drop_caches`. Real-world cold runs start from an"
            + " empty kiln store or buildah root (and TMPDIR, where buildah keeps cache mounts):"
            + " the bases are only in the registry.\n\n```\n");
    for (String line : readText("commands.tsv").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] kv = line.split("\t", 2);
      md.append("# ").append(kv[0].replace('|', ' ')).append('\n').append(kv.length > 1 ? kv[1] : "").append('\n');
    }
    md.append("```\n");
    return md.toString();
  }

  private static void verdictTable(StringBuilder md, String heading, List<Verdict> verdicts) {
    if (verdicts.isEmpty()) {
      return;
    }
    md.append(heading).append("\n\n| target | measured | met | miss |\n|---|---|:---:|---|\n");
    for (Verdict v : verdicts) {
      md.append("| ")
          .append(cell(v.target()))
          .append(" | ")
          .append(cell(v.measured()))
          .append(" | ")
          .append(v.met() ? "yes" : "**no**")
          .append(" | ")
          .append(v.met() ? "" : v.margin())
          .append(" |\n");
    }
    md.append('\n');
  }

  private String readText(String name) {
    try {
      Path p = out.resolve(name);
      return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private long readLong(String name) {
    String t = readText(name).trim();
    return t.isEmpty() ? 0 : Long.parseLong(t);
  }

  private static void write(Path file, String text) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
