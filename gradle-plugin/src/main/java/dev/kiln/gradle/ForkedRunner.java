package dev.kiln.gradle;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs kiln in a JVM of its own: {@code JAVA_HOME/bin/java -cp <runtime jars>
 * dev.kiln.gradle.engine.ForkedJob JOB RESULT}. This is how a Gradle running on Java 8 to 16 uses
 * kiln, which needs Java 17. The job travels as a properties file readable by its owner only (it
 * may hold registry passwords) and is deleted afterwards; the child reports progress as {@code
 * LEVEL<TAB>text} lines on its standard output and its result as another properties file.
 */
final class ForkedRunner implements JobRunner {
  static final String MAIN_CLASS = "dev.kiln.gradle.engine.ForkedJob";
  private static final Pattern JAVA_VERSION = Pattern.compile("JAVA_VERSION=\"(1\\.)?(\\d+)");

  private final File javaHome;
  private final List<File> jars;

  ForkedRunner(File javaHome, List<File> jars) {
    this.javaHome = javaHome;
    this.jars = jars;
  }

  @Override
  public Map<String, String> run(Map<String, String> job, BiConsumer<String, String> log)
      throws IOException {
    File java = new File(new File(javaHome, "bin"), "java");
    if (!java.canExecute()) {
      throw new IOException(
          "no Java at "
              + java
              + ": point kiln { javaHome } (or KILN_JAVA_HOME) at a Java 17 or later installation");
    }
    checkVersion();
    Path jobFile = privateTempFile("kiln-job");
    Path resultFile = privateTempFile("kiln-result");
    try {
      Properties properties = new Properties();
      properties.putAll(job);
      try (OutputStream out = Files.newOutputStream(jobFile)) {
        properties.store(out, null);
      }
      StringBuilder classPath = new StringBuilder();
      for (File jar : jars) {
        classPath.append(classPath.length() == 0 ? "" : File.pathSeparator).append(jar.getPath());
      }
      List<String> command = new ArrayList<String>();
      command.add(java.getPath());
      command.add("-cp");
      command.add(classPath.toString());
      command.add(MAIN_CLASS);
      command.add(jobFile.toString());
      command.add(resultFile.toString());
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().close();
      Thread errors = pump(process.getErrorStream(), log, true);
      pump(process.getInputStream(), log, false).run();
      int exit = waitFor(process, errors);
      Properties result = new Properties();
      try (InputStream in = Files.newInputStream(resultFile)) {
        result.load(in);
      }
      Map<String, String> values = new LinkedHashMap<String, String>();
      for (String name : result.stringPropertyNames()) {
        values.put(name, result.getProperty(name));
      }
      if (values.isEmpty() && exit != 0) {
        throw new IOException("kiln's JVM (" + java + ") exited with " + exit + " and no result");
      }
      return values;
    } finally {
      Files.deleteIfExists(jobFile);
      Files.deleteIfExists(resultFile);
    }
  }

  /** Fails early, with what to do, when {@code javaHome/release} names a Java before 17. */
  private void checkVersion() throws IOException {
    Path release = new File(javaHome, "release").toPath();
    if (!Files.isRegularFile(release)) {
      return;
    }
    Matcher m =
        JAVA_VERSION.matcher(new String(Files.readAllBytes(release), StandardCharsets.UTF_8));
    if (m.find() && Integer.parseInt(m.group(2)) < 17) {
      throw new IOException(
          "kiln needs Java 17 or later, and "
              + javaHome
              + " is Java "
              + m.group(2)
              + ": point kiln { javaHome } (or KILN_JAVA_HOME) at a Java 17 or later installation");
    }
  }

  private static int waitFor(Process process, Thread errors) throws IOException {
    try {
      int exit = process.waitFor();
      errors.join();
      return exit;
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while kiln was running", e);
    }
  }

  /**
   * Relays the child's lines: standard output in the {@code LEVEL<TAB>text} protocol, standard
   * error (the JVM's own complaints) as warnings. Returns the thread for stderr, started; the
   * runnable for stdout is run by the caller.
   */
  private static Thread pump(InputStream stream, BiConsumer<String, String> log, boolean stderr) {
    Runnable relay =
        () -> {
          try (Reader reader = new InputStreamReader(stream, StandardCharsets.UTF_8);
              BufferedReader lines = new BufferedReader(reader)) {
            String line;
            while ((line = lines.readLine()) != null) {
              int tab = line.indexOf('\t');
              if (!stderr && tab > 0) {
                log.accept(line.substring(0, tab), line.substring(tab + 1));
              } else {
                log.accept(stderr ? "warn" : "lifecycle", line);
              }
            }
          } catch (IOException e) {
            log.accept("warn", "lost kiln's output: " + e.getMessage());
          }
        };
    Thread thread = new Thread(relay, stderr ? "kiln-stderr" : "kiln-stdout");
    if (stderr) {
      thread.setDaemon(true);
      thread.start();
    }
    return thread;
  }

  private static Path privateTempFile(String prefix) throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempFile(
          prefix,
          ".properties",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return Files.createTempFile(prefix, ".properties");
  }
}
