package dev.kiln.registry.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private final RetryPolicy policy =
      new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(30));

  @Test
  void backsOffExponentiallyWithJitterUpToTheCap() {
    assertEquals(Optional.of(Duration.ofMillis(50)), policy.delayAfter(1, null, 0.0));
    assertEquals(Optional.of(Duration.ofMillis(75)), policy.delayAfter(1, null, 0.5));
    assertEquals(Optional.of(Duration.ofMillis(150)), policy.delayAfter(2, null, 0.5));
    assertEquals(Optional.of(Duration.ofMillis(300)), policy.delayAfter(3, null, 0.5));
    RetryPolicy many =
        new RetryPolicy(
            20, Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofSeconds(30));
    // Capped at 1000 ms before jitter: half fixed, half random.
    assertEquals(Optional.of(Duration.ofMillis(750)), many.delayAfter(15, null, 0.5));
  }

  @Test
  void givesUpAfterMaxAttempts() {
    assertTrue(policy.delayAfter(4, null, 0.5).isEmpty());
    assertTrue(RetryPolicy.none().delayAfter(1, null, 0.5).isEmpty());
  }

  @Test
  void honoursRetryAfterUnlessItIsTooLong() {
    assertEquals(
        Optional.of(Duration.ofSeconds(7)), policy.delayAfter(1, Duration.ofSeconds(7), 0.5));
    assertTrue(policy.delayAfter(1, Duration.ofSeconds(31), 0.5).isEmpty());
    assertEquals(Optional.of(Duration.ZERO), policy.delayAfter(1, Duration.ofSeconds(-3), 0.5));
  }

  @Test
  void retryAfterHeaderAsSecondsOrHttpDate() {
    Clock clock = Clock.fixed(Instant.parse("2015-10-21T07:28:00Z"), ZoneOffset.UTC);
    RetryInterceptor retry = new RetryInterceptor(policy, d -> {}, () -> 0.5, clock, e -> {});
    assertEquals(Duration.ofSeconds(120), retry.retryAfter("120"));
    assertEquals(Duration.ofSeconds(60), retry.retryAfter("Wed, 21 Oct 2015 07:29:00 GMT"));
    assertEquals(Duration.ZERO, retry.retryAfter("Wed, 21 Oct 2015 07:00:00 GMT"));
    assertEquals(null, retry.retryAfter("soon"));
    assertEquals(null, retry.retryAfter(null));
  }
}
