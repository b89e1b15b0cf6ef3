package dev.kiln.core.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Which Dockerfiles get the registry client built early: those with a FROM of an image. */
class RegistryClientWarmUpTest {
  @Test
  void aFromOfAnImageStartsIt() {
    assertTrue(RegistryClientWarmUp.namesAnImage("FROM debian:bookworm\nRUN true\n"));
    assertTrue(RegistryClientWarmUp.namesAnImage("# syntax\n  from --platform=$BUILDPLATFORM a\n"));
    assertTrue(RegistryClientWarmUp.namesAnImage("FROM scratch AS s\nFROM gcc:13 AS b\n"));
    assertTrue(RegistryClientWarmUp.namesAnImage("FROM scratchy\n"));
  }

  @Test
  void scratchAloneOrNoFromDoesNot() {
    assertFalse(RegistryClientWarmUp.namesAnImage("FROM scratch\nCOPY a /\n"));
    assertFalse(RegistryClientWarmUp.namesAnImage("FROM --platform=linux/amd64 scratch AS x\n"));
    assertFalse(RegistryClientWarmUp.namesAnImage("RUN echo FROM debian\n"));
    assertFalse(RegistryClientWarmUp.namesAnImage(""));
  }
}
