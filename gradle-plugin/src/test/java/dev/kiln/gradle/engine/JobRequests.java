package dev.kiln.gradle.engine;

import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.RegistryLogin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test access to the engine side's reading of a job, for the plugin side's tests. */
public final class JobRequests {
  private JobRequests() {}

  /** The request a build job becomes, and the log lines reading it wrote. */
  public static BuildRequest of(
      Map<String, String> job, Map<String, String> env, List<String> log) {
    return JobRequest.of(new JobValues(job), env, (level, line) -> log.add(level + " " + line));
  }

  public static Map<String, RegistryLogin> logins(Map<String, String> job, String image) {
    return JobRequest.logins(new JobValues(job), image, (level, line) -> {});
  }

  public static List<String> names(Map<String, String> job, String output) {
    return new ArrayList<>(JobRequest.names(new JobValues(job), output));
  }
}
