package dev.kiln.testdata.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A Docker credential helper as a real process, as Docker runs them: {@code docker-credential-NAME}
 * in a directory to put on PATH, which reads the server on stdin, appends it to a file the test
 * reads, and answers fixed credentials as JSON on stdout.
 *
 * @param bin the directory holding the helper (for PATH)
 * @param asked the file each request's server is appended to
 */
public record CredentialHelperScript(Path bin, Path asked) {

  /** Writes helper {@code name} answering {@code credentials} into {@code dir/bin}. */
  public static CredentialHelperScript install(Path dir, String name, Credentials credentials)
      throws IOException {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path asked = dir.resolve("asked");
    Path helper = bin.resolve("docker-credential-" + name);
    Files.writeString(
        helper,
        "#!/bin/sh\ncat >> "
            + asked
            + "\necho '{\"ServerURL\":\"\",\"Username\":\""
            + credentials.username()
            + "\",\"Secret\":\""
            + credentials.password()
            + "\"}'\n");
    Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
    return new CredentialHelperScript(bin, asked);
  }
}
