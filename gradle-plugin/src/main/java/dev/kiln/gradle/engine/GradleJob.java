package dev.kiln.gradle.engine;

import dev.kiln.api.Kiln;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.api.build.BuildMetadataFile;
import dev.kiln.api.build.BuildResult;
import dev.kiln.api.build.Failures;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.request.BuildRequest;
import dev.kiln.api.request.RequestException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The engine side of the Gradle plugin: runs one job on kiln and answers with plain strings, since
 * the caller lives in another class loader (Gradle's, with the plugin compiled for Java 8) or in
 * another JVM ({@link ForkedJob}). Only JDK types cross: the job and the result are maps of
 * strings, progress goes to a {@code BiConsumer<level, line>}.
 *
 * <p>The result holds {@code digest} and {@code references} (one per line) after success, or {@code
 * error}: the whole text to fail the task with (message, detail, hint), and {@code errorKind}.
 */
public final class GradleJob {
  private GradleJob() {}

  /**
   * Runs {@code job} (see {@code dev.kiln.gradle.KilnSettings}); never throws for kiln's errors.
   */
  public static Map<String, String> run(Map<String, String> job, BiConsumer<String, String> log) {
    JobValues values = new JobValues(job);
    Map<String, String> environment = System.getenv();
    Map<String, String> result = new LinkedHashMap<>();
    try {
      BuildResult built;
      if (values.required("action").equals("push")) {
        built = PushJob.push(values, environment, log);
      } else {
        BuildRequest request = JobRequest.of(values, environment, log);
        int[] warnings = {0};
        GradleLogProgress progress = new GradleLogProgress(log);
        built =
            new Kiln()
                .build(
                    request,
                    event -> {
                      if (event instanceof BuildEvent.Warning) {
                        warnings[0]++;
                      }
                      progress.on(event);
                    });
        if (request.checkOnly()) {
          checked(warnings[0], result, log);
          return result;
        }
        values
            .value("output")
            .filter(o -> !o.equals("image"))
            .ifPresent(
                o ->
                    log.accept(
                        "lifecycle",
                        "kiln: wrote "
                            + values.required(o.equals("tar") ? "tarFile" : "layoutDirectory")));
      }
      record(values, built);
      built.imageDigest().ifPresent(d -> result.put("digest", d.toString()));
      result.put("references", String.join("\n", built.pushed()));
    } catch (BuildFailure f) {
      fail(result, f);
    } catch (IOException | RequestException | IllegalArgumentException e) {
      // What a push or a request check threw: Failures gives it the kind and hint a build would.
      fail(result, Failures.of(e));
    }
    return result;
  }

  /**
   * The end of kilnCheck, as {@code kiln build --check}'s: the warnings were logged as they came; a
   * count, and a failure if there was any.
   */
  private static void checked(
      int warnings, Map<String, String> result, BiConsumer<String, String> log) {
    if (warnings == 0) {
      log.accept("lifecycle", "Check complete, no warnings found.");
      return;
    }
    result.put(
        "error",
        FailureText.of(
            "Check complete, " + warnings + (warnings == 1 ? " warning" : " warnings") + " found.",
            null,
            "fix them, or skip a rule with a '# check=skip=RULE' line at the Dockerfile's top"));
    result.put("errorKind", BuildFailure.Kind.USAGE.name());
  }

  /** Writes the digest file and the metadata file, as {@code --iidfile}/{@code --metadata-file}. */
  private static void record(JobValues job, BuildResult result) throws IOException {
    if (result.imageDigest().isEmpty()) {
      return;
    }
    BuildMetadataFile.writeIid(Path.of(job.required("digestFile")), result);
    if (job.value("metadataFile").isPresent()) {
      BuildMetadataFile.writeMetadata(Path.of(job.required("metadataFile")), result);
    }
  }

  private static void fail(Map<String, String> result, BuildFailure f) {
    result.put("error", FailureText.of(f));
    result.put("errorKind", f.kind().name());
  }
}
