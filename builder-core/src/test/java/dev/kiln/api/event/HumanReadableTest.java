package dev.kiln.api.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HumanReadableTest {
  @ParameterizedTest(name = "{0} bytes -> {1}")
  @CsvSource({
    "0, 0B",
    "999, 999B",
    "1000, 1.0kB",
    "1500, 1.5kB",
    "23400000, 23.4MB",
    "5368709120, 5.4GB",
    "3000000000000, 3.0TB",
    "7000000000000000, 7.0PB",
    "9223372036854775807, 9223.4PB",
  })
  void bytesUseDecimalUnits(long bytes, String text) {
    assertEquals(text, HumanReadable.bytes(bytes));
  }

  @ParameterizedTest(name = "{0} ms -> {1}")
  @CsvSource({
    "-5, 0.0s",
    "0, 0.0s",
    "400, 0.4s",
    "12000, 12.0s",
    "59949, 59.9s",
    "60000, 1m00s",
    "125000, 2m05s",
    "3725000, 62m05s",
  })
  void durationsAreSecondsThenMinutes(long millis, String text) {
    assertEquals(text, HumanReadable.duration(Duration.ofMillis(millis)));
  }
}
