package dev.kiln.maven;

import dev.kiln.testdata.FailsafeProperty;
import dev.kiln.testdata.files.TreeCopy;
import dev.kiln.testdata.files.TreeDeletion;
import dev.kiln.testdata.image.JreBaseImage;
import dev.kiln.testdata.image.StoreSeed;
import dev.kiln.testdata.image.UmociLayouts;
import dev.kiln.testdata.registry.Credentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the sample projects of {@code src/it} with a real {@code mvn}, the way a user would, against
 * the plugin staged by {@code maven-invoker-plugin:install} in {@code target/it-repo}.
 *
 * <p>Why a JUnit driver and not {@code invoker:run}: the builds need a token-auth registry that
 * lives exactly as long as the tests, a {@code settings.xml} holding that registry's port and an
 * encrypted password, and kiln's local store with the busybox base; and their results are checked
 * with skopeo and umoci. Java does all of that in one place, with {@code LocalRegistry} and {@code
 * ImageInspector} from testdata. Each project is copied into {@code target/it/NAME} (with
 * {@code @project.version@} replaced, as the invoker filters it), so a failed run can be repeated
 * by hand from there.
 */
final class SampleBuilds {
  private static final Duration TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern ENCRYPTED = Pattern.compile("\\{[A-Za-z0-9+/=]+\\}");

  private final Path projects = Path.of(FailsafeProperty.of("kiln.it.projects"));
  private final Path work = Path.of(FailsafeProperty.of("kiln.it.work"));
  private final Path repository = Path.of(FailsafeProperty.of("kiln.it.repository"));
  private final Path outerRepository = Path.of(FailsafeProperty.of("kiln.it.outerRepository"));
  private final Path mvn = Path.of(FailsafeProperty.of("maven.home"), "bin", "mvn");
  private final String kilnVersion = FailsafeProperty.of("kiln.version");
  private final Path home;
  private final Path settings;
  private final Path security;
  private final Path busybox;
  private final String plainHttp;
  private Path jre;
  private int runs;
  private Path pathPrefix;

  /**
   * Prepares {@code target/it}: an empty HOME (so no Docker credentials are found by accident), a
   * master password and a settings.xml whose server for {@code registryHostPort} has the password
   * encrypted by {@code mvn --encrypt-password}, and a busybox image made by umoci. Builds name the
   * registry and the host of its token realm insecure.
   */
  SampleBuilds(String registryHostPort, String tokenRealmHostPort, Credentials credentials) {
    this.plainHttp = registryHostPort + "," + tokenRealmHostPort;
    try {
      TreeDeletion.delete(work);
      Files.createDirectories(work);
      home = Files.createDirectories(work.resolve("home"));
      security = work.resolve("settings-security.xml");
      String master = encrypted(List.of("--encrypt-master-password", "kiln-it-master-password"));
      Files.writeString(
          security, "<settingsSecurity><master>" + master + "</master></settingsSecurity>\n");
      String password =
          encrypted(
              List.of(
                  "--encrypt-password", credentials.password(), "-Dsettings.security=" + security));
      settings = work.resolve("settings.xml");
      String template = Files.readString(projects.resolve("settings.xml"));
      Files.writeString(
          settings,
          template
              .replace("@registry@", registryHostPort)
              .replace("@username@", credentials.username())
              .replace("@password@", password)
              .replace("@localRepositoryUrl@", outerRepository.toUri().toString()));
      busybox = UmociLayouts.busybox(work.resolve("busybox-layout"), "test");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path settings() {
    return settings;
  }

  /** The local repository the sample builds use (kiln's artifacts staged by the invoker). */
  Path repository() {
    return repository;
  }

  /** Copies sample {@code name} to {@code target/it/as}, filtering its poms. */
  Path copy(String name, String as) throws IOException {
    Path from = projects.resolve(name);
    Path to = work.resolve(as);
    TreeCopy.copy(from, to, ".xml", pom -> pom.replace("@project.version@", kilnVersion));
    return to;
  }

  /** A kiln cache directory holding busybox:test, the samples' base image. */
  Path cacheWithBusybox(String name) {
    return StoreSeed.put(busybox, "test", work.resolve(name), "docker.io/library/busybox:test");
  }

  /** The directory the runs work in ({@code target/it}). */
  Path work() {
    return work;
  }

  /**
   * A kiln cache directory holding busybox:test and jre:test, a busybox with a small JRE made from
   * this machine's JDK ({@link JreBaseImage}), on which the sample application runs.
   */
  Path cacheWithJre(String name) throws IOException {
    Path dir = cacheWithBusybox(name);
    if (jre == null) {
      jre = JreBaseImage.layout(work.resolve("jre-layout"), "test", work);
    }
    return StoreSeed.put(jre, "test", dir, "docker.io/library/jre:test");
  }

  /** Runs {@code mvn ARGS} in {@code project} with the IT settings and kiln cache {@code cache}. */
  MavenRun mvn(Path project, Path cache, String... args) throws IOException {
    List<String> command = new ArrayList<>(base());
    command.add("-Dkiln.cacheDir=" + cache);
    // The test registry and its token server speak plain HTTP: credentials go there only when
    // allowed (loopback registries are insecure already).
    command.add("-Dkiln.plainHttpCredentialHosts=" + plainHttp);
    command.addAll(List.of(args));
    return run(project, command);
  }

  private List<String> base() {
    return List.of(
        mvn.toString(),
        "-B",
        "-Dstyle.color=never",
        "-s",
        settings.toString(),
        "-Dmaven.repo.local=" + repository,
        "-Dsettings.security=" + security);
  }

  /**
   * {@link #mvn} with {@code bin} first on the PATH, where a test puts executables the build should
   * find (a Docker credential helper).
   */
  MavenRun mvnWithPath(Path bin, Path project, Path cache, String... args) throws IOException {
    pathPrefix = bin;
    try {
      return mvn(project, cache, args);
    } finally {
      pathPrefix = null;
    }
  }

  /** The {@code mvn} the builds run. */
  Path mvnExecutable() {
    return mvn;
  }

  /** The repository kiln's own build resolves from ({@code ~/.m2/repository}), read only. */
  Path outerRepository() {
    return outerRepository;
  }

  /**
   * Runs {@code command} in {@code dir} as the sample builds run (an empty HOME, no Docker or kiln
   * variables from this process), logging to {@code target/it/mvn-N.log}.
   */
  MavenRun run(Path dir, List<String> command) throws IOException {
    Path logFile = work.resolve("mvn-" + (++runs) + ".log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(logFile.toFile());
    Map<String, String> env = builder.environment();
    for (String leak :
        List.of(
            "DOCKER_CONFIG",
            "REGISTRY_AUTH_FILE",
            "XDG_RUNTIME_DIR",
            "KILN_CACHE_DIR",
            "SOURCE_DATE_EPOCH",
            "MAVEN_ARGS")) {
      env.remove(leak);
    }
    env.put("HOME", home.toString());
    if (pathPrefix != null) {
      env.put("PATH", pathPrefix + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
    }
    env.put("JAVA_HOME", System.getProperty("java.home"));
    Process process = builder.start();
    try {
      if (!process.waitFor(TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("mvn did not finish in " + TIMEOUT + ": " + command);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new MavenRun(command, process.exitValue(), Files.readString(logFile));
  }

  /** {@code mvn ARGS} printing one {…} value, as --encrypt-(master-)password do. */
  private String encrypted(List<String> args) throws IOException {
    List<String> command = new ArrayList<>(List.of(mvn.toString(), "-B", "-Dstyle.color=never"));
    command.addAll(args);
    MavenRun run = run(work, command).requireSuccess();
    Matcher m = ENCRYPTED.matcher(run.log());
    if (!m.find()) {
      throw new AssertionError(
          "no encrypted value in the output of " + command + ":\n" + run.log());
    }
    return m.group();
  }
}
