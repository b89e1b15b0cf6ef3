package dev.kiln.registry.transport;

import dev.kiln.registry.event.RegistryEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Sends a request again after 5xx (not 501/505), 408, 429 and transient I/O errors, waiting as
 * {@link RetryPolicy} says. Only requests that are safe to repeat are retried ({@link
 * RegistryRequest#canRetry()}): uploads that are not handle their own recovery.
 */
public final class RetryInterceptor implements Interceptor {
  private final RetryPolicy policy;
  private final Sleeper sleeper;
  private final DoubleSupplier random;
  private final Clock clock;
  private final Consumer<RegistryEvent> events;

  public RetryInterceptor(
      RetryPolicy policy,
      Sleeper sleeper,
      DoubleSupplier random,
      Clock clock,
      Consumer<RegistryEvent> events) {
    this.policy = policy;
    this.sleeper = sleeper;
    this.random = random;
    this.clock = clock;
    this.events = events;
  }

  @Override
  public RegistryResponse intercept(Chain chain) throws IOException {
    RegistryRequest request = chain.request();
    for (int attempt = 1; ; attempt++) {
      RegistryResponse response;
      try {
        response = chain.proceed(request);
      } catch (IOException e) {
        if (!request.canRetry() || !TransientFailures.isTransient(e)) {
          throw e;
        }
        Optional<Duration> delay = policy.delayAfter(attempt, null, random.getAsDouble());
        if (delay.isEmpty()) {
          throw e;
        }
        wait(request, attempt, delay.get(), describe(e));
        continue;
      }
      if (!RegistryException.isRetryableStatus(response.status()) || !request.canRetry()) {
        return response;
      }
      Optional<Duration> delay =
          policy.delayAfter(
              attempt, retryAfter(response.header("Retry-After")), random.getAsDouble());
      if (delay.isEmpty()) {
        return response;
      }
      response.close();
      wait(request, attempt, delay.get(), "HTTP " + response.status());
    }
  }

  private void wait(RegistryRequest request, int attempt, Duration delay, String reason)
      throws IOException {
    events.accept(
        new RegistryEvent.RequestRetried(
            request.method(), request.redactedUrl(), attempt, delay, reason));
    sleeper.sleep(delay);
  }

  private static String describe(IOException e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /** Parses delta-seconds or an HTTP-date; null if absent or unreadable. */
  Duration retryAfter(String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.trim();
    if (v.matches("[0-9]+")) {
      return Duration.ofSeconds(Long.parseLong(v));
    }
    try {
      ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
      Duration d = Duration.between(clock.instant(), at.toInstant());
      return d.isNegative() ? Duration.ZERO : d;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
