package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ChrootSetupScriptTest {

  /**
   * The setup runs under {@code set -e}, which passes over a failure before "&&": a read-only bind
   * that fails in a user namespace must end the setup, not leave the step the empty stub.
   */
  @Test
  void aFailedReadOnlyBindInAUserNamespaceEndsTheSetup() throws Exception {
    StringBuilder s = new StringBuilder("set -e\nM=false\n");
    ChrootSetupScript.bindReadOnly(s, "--bind", Path.of("/etc/hostname"), "/nowhere", true);
    s.append("echo reached\n");
    Process sh = new ProcessBuilder("sh", "-c", s.toString()).redirectErrorStream(true).start();
    String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = sh.waitFor();
    assertNotEquals(0, exit, out);
    assertFalse(out.contains("reached"), s + "\n" + out);
  }
}
