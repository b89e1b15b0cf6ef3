package dev.kiln.gradle;

import java.io.File;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.gradle.api.GradleException;
import org.gradle.api.Project;
import org.gradle.api.Task;
import org.gradle.api.logging.LogLevel;
import org.gradle.api.logging.Logger;
import org.gradle.api.plugins.ExtraPropertiesExtension;

/**
 * What every kiln task does when it runs: read the settings, hand the job to kiln (in Gradle's JVM
 * or a forked one, see {@link #runner}), relay kiln's progress to Gradle's log, and publish the
 * digest ({@code kiln.imageDigest}, the project property {@code kiln.image.digest}, the digest
 * file) or fail the task with kiln's message.
 */
final class KilnTaskAction {
  /** The project property that holds the image digest after a kiln task ran. */
  static final String DIGEST_PROPERTY = "kiln.image.digest";

  private KilnTaskAction() {}

  static void execute(Task task, Function<KilnSettings, Map<String, String>> jobOf) {
    Project project = task.getProject();
    KilnExtension extension = project.getExtensions().getByType(KilnExtension.class);
    KilnSettings settings =
        new KilnSettings(
            extension,
            kilnProperties(project),
            System.getenv(),
            project::file,
            project.getLayout().getBuildDirectory().get().getAsFile(),
            projectImageName(project));
    Logger logger = task.getLogger();
    if (settings.skip()) {
      logger.lifecycle("kiln: skipped (kiln.skip=true)");
      return;
    }
    Map<String, String> result;
    try {
      JobRunner runner =
          runner(settings, new File(project.getGradle().getGradleUserHomeDir(), "caches/kiln"));
      Map<String, String> job = jobOf.apply(settings);
      result = runner.run(job, (level, line) -> logger.log(level(level), line));
      if (!result.containsKey("error")) {
        recordWritten(extension, job);
      }
    } catch (IOException e) {
      throw new GradleException(e.getMessage(), e);
    }
    String error = result.get("error");
    if (error != null) {
      throw new GradleException(error);
    }
    String digest = result.get("digest");
    if (digest != null) {
      extension.recordImageDigest(digest);
      project.getExtensions().getExtraProperties().set(DIGEST_PROPERTY, digest);
    }
  }

  /** Remembers the tar or layout a build task wrote, for a kilnPush later in the same run. */
  private static void recordWritten(KilnExtension extension, Map<String, String> job) {
    String output = job.get("output");
    if ("tar".equals(output)) {
      extension.recordWritten(job.get("tarFile"));
    } else if ("layout".equals(output)) {
      extension.recordWritten(job.get("layoutDirectory"));
    }
  }

  /**
   * In Gradle's JVM when it is Java 17 or later and neither {@code javaHome} nor {@code fork} is
   * set; else in {@code javaHome}'s (or Gradle's own) {@code java}.
   */
  static JobRunner runner(KilnSettings settings, File cacheRoot) throws IOException {
    File javaHome = settings.javaHome();
    int running = javaMajorVersion(System.getProperty("java.specification.version"));
    if (javaHome == null && running < 17) {
      throw new GradleException(
          "kiln needs Java 17 or later, and Gradle runs on Java "
              + running
              + ": set kiln { javaHome = '/path/to/jdk-17' } (or the environment variable"
              + " KILN_JAVA_HOME, or -Pkiln.javaHome=…) to run kiln in a Java 17 of its own");
    }
    if (javaHome == null && !settings.fork()) {
      return new InProcessRunner(NestedRuntime.jars(cacheRoot));
    }
    File java = javaHome != null ? javaHome : new File(System.getProperty("java.home"));
    return new ForkedRunner(java, NestedRuntime.jars(cacheRoot));
  }

  /** {@code 1.8} is 8, {@code 17} is 17. */
  static int javaMajorVersion(String specification) {
    String v = specification.startsWith("1.") ? specification.substring(2) : specification;
    int dot = v.indexOf('.');
    return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
  }

  /**
   * The Gradle properties named {@code kiln.*}: those of {@code gradle.properties}, {@code
   * ORG_GRADLE_PROJECT_…} and {@code -P}, which Gradle keeps as the project's extra properties,
   * then {@code -P} again in case a Gradle version stops doing so. ({@code project.getProperties()}
   * would also evaluate every other property of the project, with deprecation warnings in newer
   * Gradle versions.)
   */
  static Map<String, Object> kilnProperties(Project project) {
    Map<String, Object> values = new TreeMap<String, Object>();
    ExtraPropertiesExtension extra = project.getExtensions().getExtraProperties();
    for (Map.Entry<String, Object> e : extra.getProperties().entrySet()) {
      if (e.getKey().startsWith("kiln.") && !e.getKey().equals(DIGEST_PROPERTY)) {
        values.put(e.getKey(), e.getValue());
      }
    }
    for (Map.Entry<String, String> e :
        project.getGradle().getStartParameter().getProjectProperties().entrySet()) {
      if (e.getKey().startsWith("kiln.")) {
        values.put(e.getKey(), e.getValue());
      }
    }
    return values;
  }

  /**
   * {@code project.name:version}, made a valid reference (Gradle's default version is
   * "unspecified").
   */
  static String projectImageName(Project project) {
    String repository = project.getName().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
    Object version = project.getVersion();
    String tag =
        version == null || version.toString().equals("unspecified")
            ? "latest"
            : version.toString().replaceAll("[^\\w.-]", "_");
    return repository + ":" + tag;
  }

  private static LogLevel level(String name) {
    try {
      return LogLevel.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return LogLevel.LIFECYCLE;
    }
  }
}
