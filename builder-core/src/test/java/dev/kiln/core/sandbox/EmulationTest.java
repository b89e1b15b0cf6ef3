package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When a RUN for a platform runs natively, under emulation, or not at all, read from a binfmt_misc
 * directory written the way the kernel shows it (entries as Debian's qemu-user-static registers
 * them).
 */
class EmulationTest {
  private static final Platform AMD64 = Platform.parse("linux/amd64");
  private static final Platform ARM64 = Platform.parse("linux/arm64");
  private static final String AARCH64_MAGIC = "7f454c460201010000000000000000000200b700";
  private static final String S390X_MAGIC = "7f454c4602020100000000000000000000020016";

  @TempDir Path dir;

  private void entry(String name, String state, String magic, String flags) throws IOException {
    Files.writeString(
        dir.resolve(name),
        state
            + "\ninterpreter /usr/libexec/qemu-binfmt/"
            + name
            + "\nflags: "
            + flags
            + "\noffset 0\nmagic "
            + magic
            + "\nmask ffffffffffffff00fffffffffffffffffeffffff\n");
  }

  private void mounted(String status) throws IOException {
    Files.writeString(dir.resolve("status"), status + "\n");
    Files.writeString(dir.resolve("register"), "");
  }

  @Test
  void theHostsOwnArchitectureNeedsNothing() throws Exception {
    assertEquals(
        Optional.empty(), Emulation.require(AMD64, AMD64, BinfmtRegistry.read(dir.resolve("x"))));
    assertEquals(
        Optional.empty(),
        Emulation.require(Platform.parse("linux/386"), AMD64, BinfmtRegistry.read(dir)));
  }

  @Test
  void aRegisteredFixBinaryInterpreterRunsTheForeignPlatform() throws Exception {
    mounted("enabled");
    entry("qemu-aarch64", "enabled", AARCH64_MAGIC, "PF");
    entry("qemu-s390x", "enabled", S390X_MAGIC, "PF");
    var interpreter = Emulation.require(ARM64, AMD64, BinfmtRegistry.read(dir)).orElseThrow();
    assertEquals("qemu-aarch64", interpreter.name());
    assertEquals(
        "qemu-s390x",
        Emulation.require(Platform.parse("linux/s390x"), AMD64, BinfmtRegistry.read(dir))
            .orElseThrow()
            .name());
  }

  @Test
  void withoutBinfmtMountedTheMessageSaysHowToMountIt() {
    var e =
        assertThrows(
            EmulationUnavailableException.class,
            () -> Emulation.require(ARM64, AMD64, BinfmtRegistry.read(dir)));
    assertTrue(e.getMessage().contains("RUN for linux/arm64"), e.getMessage());
    assertTrue(e.getMessage().contains("not mounted"), e.getMessage());
    assertTrue(e.hint().contains(BinfmtRegistry.MOUNT_COMMAND), e.hint());
    assertTrue(e.hint().contains("qemu-user-static"), e.hint());
  }

  @Test
  void withoutAnInterpreterForTheArchitectureTheMessageNamesThePackage() throws Exception {
    mounted("enabled");
    entry("qemu-s390x", "enabled", S390X_MAGIC, "PF");
    entry("qemu-aarch64", "disabled", AARCH64_MAGIC, "PF");
    var e =
        assertThrows(
            EmulationUnavailableException.class,
            () -> Emulation.require(ARM64, AMD64, BinfmtRegistry.read(dir)));
    assertTrue(e.getMessage().contains("no binfmt_misc interpreter for aarch64"), e.getMessage());
    assertTrue(e.hint().contains("apt-get install qemu-user-static"), e.hint());
  }

  @Test
  void anInterpreterWithoutTheFixBinaryFlagOrADisabledBinfmtIsRefused() throws Exception {
    mounted("enabled");
    entry("qemu-aarch64", "enabled", AARCH64_MAGIC, "P");
    var e =
        assertThrows(
            EmulationUnavailableException.class,
            () -> Emulation.require(ARM64, AMD64, BinfmtRegistry.read(dir)));
    assertTrue(e.getMessage().contains("fix-binary"), e.getMessage());
    mounted("disabled");
    e =
        assertThrows(
            EmulationUnavailableException.class,
            () -> Emulation.require(ARM64, AMD64, BinfmtRegistry.read(dir)));
    assertTrue(e.getMessage().contains("disabled"), e.getMessage());
  }
}
