package dev.kiln.api.request;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kiln.registry.model.Platform;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** buildx's short --platform spellings (docs: "local", and an architecture alone). */
class PlatformShorthandTest {
  private static final Platform ARM_HOST = Platform.parse("linux/arm64");

  @Test
  void shorthandsExpandAgainstTheMachine() {
    assertEquals("linux/arm64", PlatformShorthand.expand("local", ARM_HOST));
    assertEquals("linux/amd64", PlatformShorthand.expand("amd64", ARM_HOST));
    assertEquals("linux/arm64", PlatformShorthand.expand("linux", ARM_HOST));
    assertEquals("windows/arm64", PlatformShorthand.expand("windows", ARM_HOST));
    assertEquals("linux/arm/v7", PlatformShorthand.expand("linux/arm/v7", ARM_HOST));
  }

  @Test
  void theRequestCarriesTheExpandedPlatformsWhichPassTheChecks() {
    BuildRequest r =
        BuildRequest.builder(Path.of(".")).platform("local").platform("amd64,arm64").build();
    Platform host = Platform.host();
    assertEquals(
        List.of(host.toString(), host.os() + "/amd64", host.os() + "/arm64"), r.platforms());
    r.platforms().forEach(Platform::parse);
    r.platforms().forEach(dev.kiln.dockerfile.plan.Platform::parse);
  }
}
