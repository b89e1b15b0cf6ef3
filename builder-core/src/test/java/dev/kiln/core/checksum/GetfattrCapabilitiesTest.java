package dev.kiln.core.checksum;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class GetfattrCapabilitiesTest {
  @Test
  void parsesPathsWithOctalEscapesAndHexValues() {
    String output =
        "# file: /ctx/x\\012y\n"
            + "security.capability=0x0100000200200000\n"
            + "\n"
            + "# file: /ctx/back\\134slash\n"
            + "security.capability=0x01\n"
            + "\n"
            + "# file: /ctx/\\303\\251\n"
            + "security.capability=0x02\n";
    Map<String, byte[]> parsed = GetfattrCapabilities.parse(output);
    assertEquals(3, parsed.size());
    assertArrayEquals(new byte[] {1, 0, 0, 2, 0, 0x20, 0, 0}, parsed.get("/ctx/x\ny"));
    assertArrayEquals(new byte[] {1}, parsed.get("/ctx/back\\slash"));
    assertArrayEquals(new byte[] {2}, parsed.get("/ctx/é"));
  }
}
