package dev.kiln.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kiln.api.request.RequestException;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.output.FileSystemFailures;
import dev.kiln.registry.reference.InvalidReferenceException;
import dev.kiln.registry.transport.AuthenticationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every kind of failure maps to its documented exit code and a message with a hint. */
class ErrorReportTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private CliEnvironment cli(boolean interrupted) {
    return new CliEnvironment(
        new ByteArrayInputStream(new byte[0]),
        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Map.of(),
        false,
        () -> null,
        () -> interrupted);
  }

  private String printed() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void usageErrorsExitTwoWithTheirHint() {
    assertEquals(
        ExitCode.USAGE,
        ErrorReport.print(new RequestException("bad flag", "use --good"), cli(false), false));
    assertEquals("ERROR: bad flag\nhint: use --good\n", printed());
    err.reset();
    assertEquals(
        ExitCode.USAGE,
        ErrorReport.print(new InvalidReferenceException("invalid tag 'x!'"), cli(false), false));
    assertTrue(printed().contains("hint: write NAME[:TAG][@DIGEST]"), printed());
    err.reset();
    assertEquals(
        ExitCode.USAGE,
        ErrorReport.print(
            new UncheckedIOException(new ImageNotFoundException("no image x", "build it")),
            cli(false),
            false));
    assertEquals("ERROR: no image x\nhint: build it\n", printed());
  }

  @Test
  void registryRefusalsExitThreeAndExplainWithheldCredentials() {
    AuthenticationException e =
        new AuthenticationException(
            "pulling manifest 127.0.0.1:5000/app:1",
            "GET",
            "http://127.0.0.1:5000/v2/app/manifests/1",
            401,
            List.of(),
            "withheld: docker config /h/.docker/config.json (not sent over plain HTTP)",
            null);
    assertEquals(ExitCode.REGISTRY, ErrorReport.print(e, cli(false), false));
    assertTrue(printed().startsWith("ERROR: pulling manifest 127.0.0.1:5000/app:1"), printed());
    assertTrue(printed().contains("HTTP 401"), printed());
    assertTrue(printed().contains("hint: kiln does not send credentials over plain HTTP"));
  }

  @Test
  void fileSystemFailuresExitFiveNamingThePathAndTheReason() {
    IOException full =
        FileSystemFailures.at(
            Path.of("/mnt/out/app.tar"), new IOException("No space left on device"));
    assertEquals(ExitCode.FILE_SYSTEM, ErrorReport.print(full, cli(false), false));
    assertTrue(
        printed().startsWith("ERROR: /mnt/out/app.tar: No space left on device\n"), printed());
    assertTrue(
        printed().contains("hint: free space on the file system that holds /mnt/out/app.tar"));
    err.reset();
    assertEquals(
        ExitCode.FILE_SYSTEM,
        ErrorReport.print(new AccessDeniedException("/srv/store"), cli(false), false));
    assertTrue(printed().startsWith("ERROR: /srv/store: Permission denied\n"), printed());
    assertTrue(printed().contains("hint: check the permissions of /srv/store"), printed());
  }

  @Test
  void anythingElseIsInternalWithAStackTraceOnlyWithDebug() {
    IOException bug = new IOException("disk on fire");
    assertEquals(ExitCode.INTERNAL, ErrorReport.print(bug, cli(false), false));
    assertTrue(printed().startsWith("ERROR: internal error: java.io.IOException: disk on fire"));
    assertFalse(printed().contains("\tat "), printed());
    err.reset();
    assertEquals(ExitCode.INTERNAL, ErrorReport.print(bug, cli(false), true));
    assertTrue(printed().contains("\tat dev.kiln.cli.ErrorReportTest"), printed());
  }

  @Test
  void afterCtrlCEveryFailureIsTheInterruption() {
    assertEquals(
        ExitCode.INTERRUPTED,
        ErrorReport.print(new IOException("Stream closed"), cli(true), false));
    assertEquals("ERROR: " + ErrorReport.INTERRUPTED + "\n", printed());
  }
}
