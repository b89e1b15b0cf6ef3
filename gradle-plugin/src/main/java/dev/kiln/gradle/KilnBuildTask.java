package dev.kiln.gradle;

import org.gradle.api.DefaultTask;
import org.gradle.api.tasks.TaskAction;

/**
 * Builds the project's Dockerfile with kiln, without a daemon: {@code kilnBuild} pushes the image
 * to {@code image} and {@code tags}, {@code kilnBuildTar} writes a tar ({@code tarFile}), {@code
 * kilnBuildLayout} an OCI layout ({@code layoutDirectory}). Each runs after {@code assemble}, so
 * the jar the Dockerfile copies is there. {@code kilnCheck} only runs the build checks.
 */
public class KilnBuildTask extends DefaultTask {
  private String output = "image";

  /**
   * Where the image goes: {@code image} (a registry), {@code tar} or {@code layout}; or {@code
   * check}, nowhere.
   */
  void setOutputKind(String output) {
    this.output = output;
  }

  @TaskAction
  public void buildImage() {
    KilnTaskAction.execute(this, settings -> settings.buildJob(output));
  }
}
