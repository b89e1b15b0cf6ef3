package dev.kiln.gradle;

import java.lang.reflect.Method;
import org.gradle.api.Plugin;
import org.gradle.api.Project;
import org.gradle.api.Task;
import org.gradle.api.plugins.BasePlugin;

/**
 * The {@code dev.kiln} plugin: the {@code kiln { }} extension and five tasks in the group {@code
 * kiln}. The three build tasks depend on {@code assemble} when the project has one (the {@code
 * java} plugin and every other that applies {@code base}), the way Jib's tasks follow {@code
 * classes}/{@code jar}: {@code gradle kilnBuild} compiles, jars and then builds the image.
 */
public class KilnPlugin implements Plugin<Project> {
  static final String GROUP = "kiln";

  @Override
  public void apply(Project project) {
    project.getExtensions().create("kiln", KilnExtension.class);
    KilnBuildTask build =
        buildTask(project, "kilnBuild", "image", "Builds the Dockerfile and pushes the image.");
    KilnBuildTask tar =
        buildTask(project, "kilnBuildTar", "tar", "Builds the Dockerfile into a tar.");
    KilnBuildTask layout =
        buildTask(
            project, "kilnBuildLayout", "layout", "Builds the Dockerfile into an OCI layout.");
    // Not after assemble: the checks read the Dockerfile only.
    buildTask(
        project,
        "kilnCheck",
        "check",
        "Runs the Dockerfile's build checks, building nothing; fails on a warning.");
    KilnPushTask push = project.getTasks().create("kilnPush", KilnPushTask.class);
    push.setGroup(GROUP);
    push.setDescription("Pushes the image kilnBuildTar or kilnBuildLayout built.");
    push.mustRunAfter(tar, layout);
    notCompatibleWithConfigurationCache(push);
    project
        .getPlugins()
        .withType(
            BasePlugin.class,
            base -> {
              for (Task task : new Task[] {build, tar, layout}) {
                task.dependsOn(BasePlugin.ASSEMBLE_TASK_NAME);
              }
            });
  }

  private static KilnBuildTask buildTask(
      Project project, String name, String output, String description) {
    KilnBuildTask task = project.getTasks().create(name, KilnBuildTask.class);
    task.setOutputKind(output);
    task.setGroup(GROUP);
    task.setDescription(description);
    notCompatibleWithConfigurationCache(task);
    return task;
  }

  /**
   * The tasks read the project when they run, which Gradle's configuration cache (7.4+) forbids:
   * say so through {@code Task.notCompatibleWithConfigurationCache}, where it exists, so that
   * Gradle runs them without the cache instead of failing.
   */
  private static void notCompatibleWithConfigurationCache(Task task) {
    try {
      Method method = Task.class.getMethod("notCompatibleWithConfigurationCache", String.class);
      method.invoke(task, "kiln's tasks read the project's settings when they run");
    } catch (NoSuchMethodException e) {
      // Gradle before 7.4 has no configuration cache to warn.
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }
}
