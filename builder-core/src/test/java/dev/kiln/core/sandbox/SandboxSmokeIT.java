package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SandboxSmokeIT {
  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"OCI", "CHROOT"})
  void echoes(Isolation isolation) throws Exception {
    Path rootfs = TestRootfs.extractBusybox(tmp.resolve("rootfs"));
    SandboxChoice choice =
        SandboxSelector.select(isolation, SandboxSettings.forCurrentUser(tmp.resolve("state")));
    System.out.println(choice);
    CollectedOutput out = new CollectedOutput();
    RunResult result =
        choice
            .sandbox()
            .run(
                RunRequest.builder(
                        rootfs,
                        List.of(
                            "/bin/sh",
                            "-c",
                            "echo hello; echo err >&2; id; ls -la /dev /etc; cat /etc/hosts /etc/resolv.conf; hostname; mount; grep Cap /proc/self/status; exit 3"))
                    .build(),
                out);
    System.out.println(out.all());
    System.out.println(result);
    assertEquals(3, result.exitCode());
  }
}
