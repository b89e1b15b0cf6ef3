package dev.kiln.registry.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;

/**
 * Docker's {@code Healthcheck} (HEALTHCHECK in a Dockerfile). Durations are nanoseconds, as on the
 * wire; null means "not set" (inherit the default).
 *
 * @param test {@code ["NONE"]}, {@code ["CMD", args…]} or {@code ["CMD-SHELL", command]}
 */
public record HealthCheck(
    List<String> test,
    Long intervalNanos,
    Long timeoutNanos,
    Long startPeriodNanos,
    Long startIntervalNanos,
    Integer retries,
    Map<String, JsonNode> extra) {

  public HealthCheck {
    test = test == null ? null : List.copyOf(test);
    extra = ExtraFields.freeze(extra);
  }

  static HealthCheck read(JsonObjectReader r) {
    return new HealthCheck(
        r.stringList("Test"),
        r.longValue("Interval"),
        r.longValue("Timeout"),
        r.longValue("StartPeriod"),
        r.longValue("StartInterval"),
        r.intValue("Retries"),
        r.remaining());
  }

  JsonObjectWriter write() {
    return new JsonObjectWriter()
        .stringList("Test", test)
        .number("Interval", intervalNanos)
        .number("Timeout", timeoutNanos)
        .number("StartPeriod", startPeriodNanos)
        .number("StartInterval", startIntervalNanos)
        .number("Retries", retries)
        .extra(extra);
  }
}
