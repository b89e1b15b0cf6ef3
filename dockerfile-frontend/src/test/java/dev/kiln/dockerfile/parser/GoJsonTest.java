package dev.kiln.dockerfile.parser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.kiln.testdata.ResourceBound;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON reader keeps Go's nesting limit without recursing per level. */
class GoJsonTest {
  private static Object parse(String text) {
    return ResourceBound.within(Duration.ofSeconds(10), 256L << 20, () -> GoJson.parse(text));
  }

  @Test
  void readsNestedValues() {
    assertEquals(
        List.of("a", List.of(), Map.of("k", List.of(1.0, GoJson.NULL)), true),
        parse(" [\"a\", [ ], {\"k\" : [1, null]}, true] "));
    assertEquals(Map.of("a", "2"), parse("{\"a\":\"1\",\"a\":\"2\"}"));
    assertNull(parse("[1,]"));
    assertNull(parse("{\"a\" 1}"));
    assertNull(parse("[1] x"));
  }

  @Test
  void nestingUpToGosLimitIsValidAndDeeperIsNotJson() {
    assertNotNull(parse("[".repeat(10_000) + "]".repeat(10_000)));
    assertNotNull(parse("[".repeat(10_000) + "1" + "]".repeat(10_000)));
    assertNull(parse("[".repeat(10_001) + "1" + "]".repeat(10_001)));
    assertNull(parse("[".repeat(30_000)));
    assertNull(parse("{\"a\":".repeat(30_000)));
  }
}
