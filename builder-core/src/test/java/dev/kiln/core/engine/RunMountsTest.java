package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class RunMountsTest {
  @Test
  void aOneLineSecretIsMaskedWhole() {
    assertEquals(List.of("hunter2"), RunMounts.maskedParts("hunter2\n"));
  }

  @Test
  void everyLongEnoughLineOfAMultiLineSecretIsMaskedToo() {
    assertEquals(
        List.of("{\n  \"token\": \"abc123\"\n}", "\"token\": \"abc123\""),
        RunMounts.maskedParts("{\n  \"token\": \"abc123\"\n}\n"));
    assertEquals(
        List.of("BEGIN KEY\r\nc2VjcmV0\r\n==", "BEGIN KEY", "c2VjcmV0"),
        RunMounts.maskedParts("BEGIN KEY\r\nc2VjcmV0\r\n==\r\n"));
  }

  @Test
  void anEmptySecretMasksNothing() {
    assertEquals(List.of(), RunMounts.maskedParts(" \n"));
  }
}
