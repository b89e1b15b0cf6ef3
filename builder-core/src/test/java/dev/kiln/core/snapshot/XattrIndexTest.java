package dev.kiln.core.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class XattrIndexTest {
  @Test
  void parsesGetfattrDumpsWithEscapedNames() {
    String dump =
        "# file: /l/we\\134ird=x\n"
            + "user.q=0x7A\n"
            + "\n"
            + "# file: /l/new\\012line\n"
            + "trusted.overlay.opaque=0x79\n"
            + "security.capability=0x0100000200040000000000000000000000000000\n"
            + "\n"
            + "# file: /l/ü\n"
            + "user.empty=\"\"\n";
    Map<String, Map<String, String>> parsed = XattrIndex.parse(dump);
    assertEquals(Map.of("user.q", "7a"), parsed.get("/l/we\\ird=x"));
    assertEquals(
        Map.of(
            "trusted.overlay.opaque",
            "79",
            "security.capability",
            "0100000200040000000000000000000000000000"),
        parsed.get("/l/new\nline"));
    assertEquals(Map.of("user.empty", ""), parsed.get("/l/ü"));
  }

  @Test
  void overlayBookkeepingIsNotPortable() {
    assertEquals(true, XattrIndex.isOverlayInternal("trusted.overlay.origin"));
    assertEquals(true, XattrIndex.isOverlayInternal("user.overlay.opaque"));
    assertEquals(false, XattrIndex.isOverlayInternal("security.capability"));
  }
}
