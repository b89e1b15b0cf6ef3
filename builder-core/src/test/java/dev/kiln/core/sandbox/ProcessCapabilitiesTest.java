package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessCapabilitiesTest {
  @Test
  void podmansDefaultSetHasNoSysAdmin() {
    // /proc/self/status of root in `podman run` with podman 4.3's default capabilities.
    ProcessCapabilities caps =
        ProcessCapabilities.parse(
            List.of(
                "Uid:\t0\t0\t0\t0",
                "CapInh:\t0000000000000000",
                "CapPrm:\t00000000800405fb",
                "CapEff:\t00000000800405fb",
                "CapBnd:\t00000000800405fb",
                "CapAmb:\t0000000000000000"));
    assertFalse(caps.hasSysAdmin());
    assertFalse(caps.boundingHasSysAdmin());
  }

  @Test
  void rootOnAHostHasItAndAUserHasItOnlyInTheBoundingSet() {
    ProcessCapabilities root =
        ProcessCapabilities.parse(
            List.of("CapEff:\t000001ffffffffff", "CapBnd:\t000001ffffffffff"));
    assertTrue(root.hasSysAdmin());
    ProcessCapabilities user =
        ProcessCapabilities.parse(
            List.of("CapEff:\t0000000000000000", "CapBnd:\t000001ffffffffff"));
    assertFalse(user.hasSysAdmin());
    assertTrue(user.boundingHasSysAdmin());
  }

  @Test
  void aStatusWithoutCapabilityLinesIsRefused() {
    assertThrows(SandboxException.class, () -> ProcessCapabilities.parse(List.of("Uid:\t0")));
  }
}
