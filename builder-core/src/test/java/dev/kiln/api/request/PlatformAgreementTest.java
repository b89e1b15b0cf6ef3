package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kiln.dockerfile.parser.DockerfileException;
import dev.kiln.registry.model.Platform;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The frontend may not import registry-client, so a platform has two types with two normalisation
 * tables: registry-client's {@code Platform} (for {@code --platform} and image indexes) and the
 * frontend's {@code plan.Platform} (for {@code FROM --platform=} and {@code TARGETPLATFORM}). A
 * build converts between them through their text ({@code BuildRun}, {@code StageRunner}), so both
 * must read every spelling the same way; this table is where that is checked, with containerd's
 * answers as the reference.
 */
class PlatformAgreementTest {
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "linux/amd64, linux/amd64",
    "linux/x86_64, linux/amd64",
    "linux/x86-64, linux/amd64",
    "linux/x64, linux/amd64",
    "linux/amd64/v1, linux/amd64",
    "linux/amd64/v3, linux/amd64/v3",
    "linux/amd64/2, linux/amd64/v2",
    "linux/arm64, linux/arm64",
    "linux/aarch64, linux/arm64",
    "linux/arm64/v8, linux/arm64",
    "linux/arm64/8, linux/arm64",
    "linux/arm64/v8.0, linux/arm64",
    "linux/aarch64/v8, linux/arm64",
    "linux/arm, linux/arm/v7",
    "linux/arm/7, linux/arm/v7",
    "linux/arm/v7, linux/arm/v7",
    "linux/arm/v6, linux/arm/v6",
    "linux/arm/6, linux/arm/v6",
    "linux/arm/5, linux/arm/v5",
    "linux/armhf, linux/arm/v7",
    "linux/armel, linux/arm/v6",
    "linux/386, linux/386",
    "linux/i386, linux/386",
    "linux/i686, linux/386",
    "linux/x86, linux/386",
    "linux/ppc64le, linux/ppc64le",
    "linux/s390x, linux/s390x",
    "linux/riscv64, linux/riscv64",
    "windows/amd64, windows/amd64",
    "windows/x86_64, windows/amd64",
    "darwin/arm64, darwin/arm64",
    "macos/arm64, darwin/arm64",
    "Linux/AMD64, linux/amd64",
    "LINUX/ARM/V7, linux/arm/v7",
    "'  linux/arm64  ', linux/arm64",
  })
  void bothTypesNormaliseEveryOsArchSpellingAlike(String given, String expected) {
    assertEquals(expected, Platform.parse(given).toString(), "registry-client");
    assertEquals(
        expected, dev.kiln.dockerfile.plan.Platform.parse(given).format(), "dockerfile-frontend");
  }

  /**
   * {@code FROM --platform=arm64} names an architecture alone and means Linux; {@code --platform}
   * on the command line wants the OS too, so the registry type reads these only with it.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "amd64, linux/amd64",
    "x86_64, linux/amd64",
    "arm64, linux/arm64",
    "aarch64, linux/arm64",
    "arm, linux/arm/v7",
    "armhf, linux/arm/v7",
    "armel, linux/arm/v6",
    "386, linux/386",
    "i386, linux/386",
    "ppc64le, linux/ppc64le",
  })
  void aBareArchitectureMeansLinuxAndAgreesWithTheRegistryReadingOfIt(
      String given, String expected) {
    assertEquals(expected, dev.kiln.dockerfile.plan.Platform.parse(given).format());
    assertEquals(expected, Platform.parse("linux/" + given).toString());
    assertThrows(IllegalArgumentException.class, () -> Platform.parse(given));
  }

  /** Each side's normal form is a normal form of the other: the text a build hands across. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "linux/amd64",
        "linux/amd64/v2",
        "linux/arm64",
        "linux/arm/v5",
        "linux/arm/v6",
        "linux/arm/v7",
        "linux/386",
        "linux/s390x",
        "windows/amd64",
        "darwin/arm64"
      })
  void normalFormsCrossUnchanged(String normal) {
    String viaFrontend = dev.kiln.dockerfile.plan.Platform.parse(normal).format();
    String viaRegistry = Platform.parse(normal).toString();
    assertEquals(normal, viaFrontend);
    assertEquals(normal, viaRegistry);
    assertEquals(normal, Platform.parse(viaFrontend).toString());
    assertEquals(normal, dev.kiln.dockerfile.plan.Platform.parse(viaRegistry).format());
  }

  /** {@code arm/v7} names no OS; the frontend refuses it, so a build does (BuildRequestCheck). */
  @ParameterizedTest
  @ValueSource(strings = {"arm/v7", "linux/z80", "linux//v7", "linux/arm/v7/x", ""})
  void theFrontendRefusesWhatIsNotAPlatform(String given) {
    assertThrows(
        DockerfileException.class, () -> dev.kiln.dockerfile.plan.Platform.parse(given), given);
  }

  @org.junit.jupiter.api.Test
  void bothAgreeOnTheHost() {
    assertEquals(Platform.host().toString(), dev.kiln.dockerfile.plan.Platform.host().format());
  }
}
