package dev.kiln.registry.transport;

import java.time.Duration;
import java.util.Optional;

/**
 * When to retry and how long to wait: exponential backoff with jitter, bounded in attempts and
 * delay, and a server's {@code Retry-After} honoured when it is reasonable.
 *
 * <p>A pure decision: the caller passes the random number and the parsed {@code Retry-After}, so
 * every branch is testable without sleeping.
 *
 * @param maxAttempts total attempts including the first; 1 means never retry
 * @param initialDelay the delay after the first failure, before jitter
 * @param maxDelay no computed delay exceeds this
 * @param maxRetryAfter a longer {@code Retry-After} is not waited for: the failure is reported
 */
public record RetryPolicy(
    int maxAttempts, Duration initialDelay, Duration maxDelay, Duration maxRetryAfter) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
  }

  /** 5 attempts, 0.5 s doubling up to 20 s, Retry-After honoured up to 60 s. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(
        5, Duration.ofMillis(500), Duration.ofSeconds(20), Duration.ofSeconds(60));
  }

  /** Never retry. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
  }

  /**
   * The wait before the next attempt, or empty to give up.
   *
   * @param failedAttempts attempts made so far, all failed (1 after the first failure)
   * @param retryAfter the server's Retry-After, or null
   * @param random a uniform number in [0, 1) for jitter
   */
  public Optional<Duration> delayAfter(int failedAttempts, Duration retryAfter, double random) {
    if (failedAttempts >= maxAttempts) {
      return Optional.empty();
    }
    if (retryAfter != null) {
      if (retryAfter.compareTo(maxRetryAfter) > 0) {
        return Optional.empty();
      }
      return Optional.of(retryAfter.isNegative() ? Duration.ZERO : retryAfter);
    }
    double base = initialDelay.toMillis() * Math.pow(2, failedAttempts - 1);
    double capped = Math.min(base, maxDelay.toMillis());
    // "Equal jitter": half fixed, half random, so that parallel uploads do not retry in lockstep.
    long millis = (long) (capped / 2 + capped / 2 * random);
    return Optional.of(Duration.ofMillis(Math.min(millis, maxDelay.toMillis())));
  }
}
