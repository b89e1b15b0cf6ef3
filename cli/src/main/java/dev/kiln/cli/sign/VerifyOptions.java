package dev.kiln.cli.sign;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What {@code kiln verify} and {@code kiln verify-attestation} both take: REF, the key, --debug.
 */
public final class VerifyOptions {
  @Parameters(
      index = "0",
      paramLabel = "REF",
      description = "The image: REGISTRY/REPOSITORY:TAG or @DIGEST.")
  String reference;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "FILE",
      description =
          "The public key (PREFIX.pub of kiln key generate, or cosign.pub); required (default:"
              + " none).")
  Path key;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;
}
