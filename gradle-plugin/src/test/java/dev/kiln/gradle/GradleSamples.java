package dev.kiln.gradle;

import dev.kiln.testdata.FailsafeProperty;
import dev.kiln.testdata.files.TreeCopy;
import dev.kiln.testdata.files.TreeDeletion;
import dev.kiln.testdata.image.JreBaseImage;
import dev.kiln.testdata.image.StoreSeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the sample projects of {@code src/it} with Debian's {@code gradle} (4.4.1, on the system's
 * Java 17), offline, without a daemon, against the plugin jar this module just packaged (passed as
 * {@code -PkilnPluginJar}), with an empty HOME, a Gradle user home of their own and a kiln cache
 * holding the base image {@code jre:test} ({@link JreBaseImage}). The samples' one library comes
 * from the Maven repository of the build that runs the tests ({@code -PsampleRepository}). Each
 * project is copied to {@code target/it/NAME}, so a failed run can be repeated by hand from there
 * (the command is in the assertion message).
 */
final class GradleSamples {
  static final String GRADLE = "/usr/bin/gradle";
  private static final long TIMEOUT_MINUTES = 10;

  private final Path projects = Path.of(FailsafeProperty.of("kiln.it.projects"));
  private final Path work = Path.of(FailsafeProperty.of("kiln.it.work"));
  private final Path pluginJar = Path.of(FailsafeProperty.of("kiln.it.pluginJar"));
  private final Path mavenRepository = Path.of(FailsafeProperty.of("kiln.it.mavenRepository"));
  private final Path home;
  private final Path gradleHome;
  private final Path baseLayout;
  private int runs;

  GradleSamples() {
    try {
      TreeDeletion.delete(work);
      home = Files.createDirectories(work.resolve("home"));
      gradleHome = Files.createDirectories(work.resolve("gradle-home"));
      baseLayout = JreBaseImage.layout(work.resolve("jre-layout"), "test", work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path work() {
    return work;
  }

  /** Copies sample {@code name} to {@code target/it/as}. */
  Path copy(String name, String as) throws IOException {
    Path from = projects.resolve(name);
    Path to = work.resolve(as);
    TreeCopy.copy(from, to);
    return to;
  }

  /** A kiln cache directory holding {@code jre:test}, the samples' base image. */
  Path cacheWithBase(String name) {
    return StoreSeed.put(baseLayout, "test", work.resolve(name), "docker.io/library/jre:test");
  }

  /** Runs {@code gradle ARGS} in {@code project} with kiln cache {@code cache}. */
  GradleRun gradle(Path project, Path cache, String... args) throws IOException {
    return gradle(project, cache, Map.of(), args);
  }

  /** As above, with {@code extraEnv} added to the environment (a PATH with a test's helpers). */
  GradleRun gradle(Path project, Path cache, Map<String, String> extraEnv, String... args)
      throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                GRADLE,
                "--offline",
                "--no-daemon",
                "--console=plain",
                "--stacktrace",
                "--gradle-user-home",
                gradleHome.toString(),
                "-PkilnPluginJar=" + pluginJar,
                "-PsampleRepository=" + mavenRepository.toUri(),
                "-Pkiln.cacheDir=" + cache));
    command.addAll(List.of(args));
    return run(project, command, extraEnv);
  }

  GradleRun run(Path dir, List<String> command, Map<String, String> extraEnv) throws IOException {
    Path logFile = work.resolve("gradle-" + (++runs) + ".log");
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
            "KILN_JAVA_HOME",
            "KILN_AUTH_USERNAME",
            "KILN_AUTH_PASSWORD",
            "SOURCE_DATE_EPOCH",
            "GRADLE_OPTS",
            "JAVA_OPTS",
            "GRADLE_USER_HOME")) {
      env.remove(leak);
    }
    env.keySet().removeIf(k -> k.startsWith("ORG_GRADLE_PROJECT_"));
    env.put("HOME", home.toString());
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.putAll(extraEnv);
    Process process = builder.start();
    try {
      if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(
            "gradle did not finish in " + TIMEOUT_MINUTES + " min: " + command);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new GradleRun(command, process.exitValue(), Files.readString(logFile));
  }
}
