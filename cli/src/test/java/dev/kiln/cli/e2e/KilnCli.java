package dev.kiln.cli.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.testdata.baseimage.BusyboxRootfs;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code kiln.jar} (the shaded jar the reactor built, named by the {@code kiln.jar}
 * system property failsafe sets) as a subprocess, with a private HOME, DOCKER_CONFIG and cache
 * directory so that nothing of the machine's own logins or store leaks in or out.
 */
final class KilnCli {
  /** What one run printed and returned. */
  record Result(List<String> args, int exitCode, String stdout, String stderr) {
    /** Fails the test with the whole output unless the command succeeded. */
    Result ok() {
      assertEquals(0, exitCode, this::describe);
      return this;
    }

    /** Fails the test unless the command exited with {@code code}. */
    Result exits(int code) {
      assertEquals(code, exitCode, this::describe);
      return this;
    }

    String describe() {
      return "kiln "
          + String.join(" ", args)
          + " exited "
          + exitCode
          + "\n--- stdout ---\n"
          + stdout
          + "\n--- stderr ---\n"
          + stderr;
    }
  }

  private final Path home;
  private final Map<String, String> env;
  private final List<String> wrapper;

  /** A kiln with HOME, DOCKER_CONFIG ({@code HOME/.docker}) and its store under {@code home}. */
  KilnCli(Path home) {
    this(home, defaults(home), List.of());
  }

  private KilnCli(Path home, Map<String, String> env, List<String> wrapper) {
    this.home = home;
    this.env = Map.copyOf(env);
    this.wrapper = List.copyOf(wrapper);
  }

  /**
   * The same kiln run in a private mount namespace in which {@code programs} (absolute paths) are
   * hidden under {@code /dev/null}, so they cannot run, as if their package were not installed.
   * Needs root.
   */
  KilnCli withoutPrograms(String... programs) {
    StringBuilder script = new StringBuilder();
    for (String program : programs) {
      script.append("mount --bind /dev/null ").append(program).append(" && ");
    }
    script.append("exec \"$@\"");
    return new KilnCli(
        home, env, List.of("unshare", "--mount", "sh", "-c", script.toString(), "sh"));
  }

  private static Map<String, String> defaults(Path home) {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"));
    env.put("HOME", home.toString());
    env.put("DOCKER_CONFIG", home.resolve(".docker").toString());
    env.put("KILN_CACHE_DIR", home.resolve("cache").toString());
    env.put("CI", "true"); // line-oriented progress unless a test asks for more
    env.put("LANG", "C.UTF-8");
    return env;
  }

  /** The same kiln with one more (or a changed) environment variable; null removes it. */
  KilnCli withEnv(String name, String value) {
    Map<String, String> changed = new HashMap<>(env);
    if (value == null) {
      changed.remove(name);
    } else {
      changed.put(name, value);
    }
    return new KilnCli(home, changed, wrapper);
  }

  Map<String, String> env() {
    return env;
  }

  Path home() {
    return home;
  }

  Path cacheDir() {
    return Path.of(env.get("KILN_CACHE_DIR"));
  }

  static Path jar() {
    String property = System.getProperty("kiln.jar");
    assertTrue(property != null, "failsafe sets -Dkiln.jar to cli/target/kiln.jar");
    Path jar = Path.of(property);
    assertTrue(Files.isRegularFile(jar), jar + " exists (the package phase builds it)");
    return jar;
  }

  /** {@code java -jar kiln.jar ARGS}, as a command line. */
  static List<String> command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(args);
    return command;
  }

  private List<String> wrapped(List<String> command) {
    List<String> all = new ArrayList<>(wrapper);
    all.addAll(command);
    return all;
  }

  Result run(String... args) {
    return runWithInput("", args);
  }

  /** Runs kiln with {@code stdin} as its standard input; waits at most five minutes. */
  Result runWithInput(String stdin, String... args) {
    try {
      Path dir = Files.createTempDirectory(home, "run-");
      Path in = Files.writeString(dir.resolve("stdin"), stdin);
      Path out = dir.resolve("stdout");
      Path err = dir.resolve("stderr");
      ProcessBuilder builder =
          new ProcessBuilder(wrapped(command(List.of(args))))
              .directory(home.toFile())
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      builder.environment().clear();
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("kiln " + String.join(" ", args) + " ran for five minutes");
      }
      Result result =
          new Result(
              List.of(args),
              process.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      deleteTree(dir);
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /**
   * Builds the offline busybox base into this kiln's store as {@code busybox:test} (from the
   * testdata rootfs: {@code FROM scratch}, {@code ADD rootfs.tar /}).
   */
  void buildBusyboxBase() {
    try {
      Path context = Files.createDirectories(home.resolve("busybox-base"));
      Files.copy(
          BusyboxRootfs.tar(), context.resolve("rootfs.tar"), StandardCopyOption.REPLACE_EXISTING);
      Files.writeString(
          context.resolve("Dockerfile"), "FROM scratch\nADD rootfs.tar /\nCMD [\"sh\"]\n");
      run(
              "build",
              "-q",
              "--source-date-epoch",
              "1700000000",
              "-t",
              "busybox:test",
              context.toString())
          .ok();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a build context: {@code files} are name → content, Dockerfile included. */
  Path context(String name, Map<String, String> files) {
    try {
      Path dir = Files.createDirectories(home.resolve(name));
      for (Map.Entry<String, String> f : files.entrySet()) {
        Path file = dir.resolve(f.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, f.getValue());
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (var walk = Files.walk(root)) {
      walk.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  static Duration timeout() {
    return Duration.ofMinutes(5);
  }
}
