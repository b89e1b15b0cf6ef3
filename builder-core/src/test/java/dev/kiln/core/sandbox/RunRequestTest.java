package dev.kiln.core.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunRequestTest {
  @Test
  void defaultsAreRootSlashDefaultNetworkDockersPath() {
    RunRequest request = RunRequest.builder(Path.of("/r"), List.of("true")).build();
    assertEquals(List.of("PATH=" + RunRequest.DEFAULT_PATH), request.env());
    assertEquals("/", request.workingDir());
    assertEquals(ResolvedUser.ROOT, request.user());
    assertEquals(NetworkMode.DEFAULT, request.network());
    assertEquals(RunRequest.DEFAULT_HOSTNAME, request.hostname());
    assertEquals(false, request.hasTimeout());
  }

  @Test
  void normalisesPathsAndRejectsNonsense() {
    assertEquals(
        "/a/c",
        RunRequest.builder(Path.of("/r"), List.of("x"))
            .workingDir("a/b/../c/")
            .build()
            .workingDir());
    assertThrows(
        IllegalArgumentException.class, () -> RunRequest.builder(Path.of("/r"), List.of()).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> RunRequest.builder(Path.of("/r"), List.of("x")).env(List.of("NOEQUALS")).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> RunRequest.builder(Path.of("/r"), List.of("x")).env(List.of("=v")).build());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            RunRequest.builder(Path.of("/r"), List.of("x"))
                .timeout(Duration.ofSeconds(-1))
                .build());
    assertThrows(IllegalArgumentException.class, () -> new SandboxMount.Tmpfs("/", 0));
    assertEquals("/x/y", new SandboxMount.Tmpfs("x//y/", 0).target());
  }

  @Test
  void aRepeatedNameKeepsItsPlaceAndTakesTheLastValue() {
    RunRequest request =
        RunRequest.builder(Path.of("/r"), List.of("x"))
            .env(List.of("A=1", "B=2", "A=3", "C=a=b"))
            .build();
    assertEquals(List.of("A=3", "B=2", "C=a=b"), request.env());
  }

  @Test
  void optionValuesParse() {
    assertEquals(Isolation.CHROOT, Isolation.parse("Chroot"));
    assertEquals(NetworkMode.NONE, NetworkMode.parse("none"));
    assertThrows(IllegalArgumentException.class, () -> Isolation.parse("docker"));
    assertThrows(IllegalArgumentException.class, () -> NetworkMode.parse("bridge"));
  }

  @Test
  void resultsDescribeThemselves() {
    assertEquals(
        "exit code 137 (killed by signal 9)",
        new RunResult(137, List.of(), Duration.ZERO, false).describe());
    assertEquals(
        "timed out after 3 s and was killed",
        new RunResult(137, List.of(), Duration.ofSeconds(3), true).describe());
  }
}
