package dev.kiln.cli.progress;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.BuildListener;
import dev.kiln.api.event.StepRef;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * {@code --progress=rawjson}: one JSON object per line for CI tooling. The schema is documented in
 * docs/progress-rawjson.md; fields are only ever added, never renamed.
 */
public final class JsonProgress implements BuildListener {
  private static final JsonFactory JSON = new JsonFactory();

  private final PrintWriter out;

  public JsonProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public synchronized void on(BuildEvent event) {
    StringWriter line = new StringWriter();
    try (JsonGenerator json = JSON.createGenerator(line)) {
      json.writeStartObject();
      json.writeStringField("time", event.at().toString());
      if (event instanceof BuildEvent.StepStarted e) {
        json.writeStringField("type", "step.started");
        step(json, e.step());
      } else if (event instanceof BuildEvent.StepCached e) {
        json.writeStringField("type", "step.cached");
        step(json, e.step());
      } else if (event instanceof BuildEvent.StepCompleted e) {
        json.writeStringField("type", "step.completed");
        step(json, e.step());
        json.writeNumberField("elapsedMillis", e.elapsed().toMillis());
      } else if (event instanceof BuildEvent.StepFailed e) {
        json.writeStringField("type", e.cancelled() ? "step.cancelled" : "step.failed");
        step(json, e.step());
        json.writeStringField("error", e.message());
      } else if (event instanceof BuildEvent.StepOutput e) {
        json.writeStringField("type", "step.log");
        step(json, e.step());
        json.writeStringField(
            "stream", e.stream() == BuildEvent.Stream.STDOUT ? "stdout" : "stderr");
        json.writeStringField("line", e.line());
      } else if (event instanceof BuildEvent.Transfer e) {
        json.writeStringField("type", "transfer");
        if (e.step().isPresent()) {
          step(json, e.step().get());
        }
        json.writeStringField("kind", e.kind().name().toLowerCase(java.util.Locale.ROOT));
        json.writeStringField("id", e.id());
        json.writeNumberField("current", e.done());
        json.writeNumberField("total", e.total());
        json.writeBooleanField("finished", e.finished());
      } else if (event instanceof BuildEvent.Warning e) {
        json.writeStringField("type", "warning");
        json.writeStringField("message", e.message());
        if (e.location().isPresent()) {
          json.writeStringField("location", e.location().get());
        }
      } else if (event instanceof BuildEvent.Note e) {
        json.writeStringField("type", "note");
        json.writeStringField("message", e.message());
      } else if (event instanceof BuildEvent.OutputWritten e) {
        json.writeStringField("type", "output.written");
        json.writeStringField("output", e.type());
        json.writeStringField("destination", e.destination());
        if (e.digest().isPresent()) {
          json.writeStringField("digest", e.digest().get());
        }
      } else if (event instanceof BuildEvent.BuildCompleted e) {
        json.writeStringField("type", "build.completed");
        json.writeStringField("digest", e.imageDigest());
        json.writeArrayFieldStart("references");
        for (String reference : e.references()) {
          json.writeString(reference);
        }
        json.writeEndArray();
        json.writeNumberField("size", e.imageSize());
        json.writeNumberField("stepsExecuted", e.stepsExecuted());
        json.writeNumberField("stepsCached", e.stepsCached());
        json.writeNumberField("elapsedMillis", e.elapsed().toMillis());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.println(line);
    out.flush();
  }

  private static void step(JsonGenerator json, StepRef step) throws IOException {
    json.writeObjectFieldStart("step");
    json.writeNumberField("number", step.number());
    json.writeStringField("stage", step.stage());
    json.writeNumberField("index", step.index());
    json.writeNumberField("of", step.stageSteps());
    json.writeStringField("text", step.text());
    if (step.location().isPresent()) {
      json.writeStringField("location", step.location().get());
    }
    json.writeEndObject();
  }
}
