package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class NamespaceRefusalTest {
  @Test
  void aSeccompRefusalNamesTheProfileAndTheCapability() {
    String hint =
        NamespaceRefusal.hint("unshare: unshare failed: Operation not permitted").orElseThrow();
    assertTrue(hint.contains("--security-opt seccomp=unconfined"), hint);
    assertTrue(hint.contains("seccompProfile"), hint);
    assertTrue(hint.contains("SYS_ADMIN"), hint);
  }

  @Test
  void otherRefusalsNameTheirOwnFix() {
    assertTrue(
        NamespaceRefusal.hint("unshare: unshare failed: No space left on device")
            .orElseThrow()
            .contains("user.max_user_namespaces"));
    assertTrue(
        NamespaceRefusal.hint("newuidmap: write to uid_map failed: Operation not permitted")
            .orElseThrow()
            .contains("setcap cap_setuid=ep"));
    assertTrue(
        NamespaceRefusal.hint("mount: /x/proc: permission denied.")
            .orElseThrow()
            .contains("apparmor=unconfined"));
    String proc =
        NamespaceRefusal.hint(
                "mount: /s/proc: permission denied.\n" + NamespaceRefusal.PROC_REFUSED)
            .orElseThrow();
    assertTrue(proc.contains("unmask=ALL"), proc);
    assertTrue(proc.contains("systempaths=unconfined"), proc);
    assertEquals(Optional.empty(), NamespaceRefusal.hint("sh: 1: syntax error"));
  }
}
