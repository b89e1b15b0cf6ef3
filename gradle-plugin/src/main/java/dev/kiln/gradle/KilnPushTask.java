package dev.kiln.gradle;

import org.gradle.api.DefaultTask;
import org.gradle.api.tasks.TaskAction;

/**
 * Pushes an image built earlier, without building again: the tar of {@code kilnBuildTar} if it
 * exists, else the layout of {@code kilnBuildLayout}, or {@code source} (anything {@code kiln push}
 * reads) to {@code image} and {@code tags}. {@code gradle kilnBuildTar test kilnPush} pushes only
 * what was tested.
 */
public class KilnPushTask extends DefaultTask {
  @TaskAction
  public void pushImage() {
    KilnTaskAction.execute(this, settings -> settings.pushJob(getProject().getProjectDir()));
  }
}
