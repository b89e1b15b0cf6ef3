package dev.kiln.cli.image;

import dev.kiln.api.place.Places;
import dev.kiln.api.place.UntaggedImage;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.StoreLocation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln rmi IMAGE...}: removes names from kiln's local store. The blobs stay until {@code
 * kiln cache prune} finds that nothing (no other image, no build cache entry) uses them.
 */
@Command(
    name = "rmi",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Remove images from kiln's local store.",
      "A name removes that name; a digest (or its first hex digits) removes the image under every",
      "name. Blobs are deleted by kiln cache prune once nothing else (another image, the build",
      "cache) uses them."
    })
public final class RmiCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public RmiCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      arity = "1..*",
      paramLabel = "IMAGE",
      description = "NAME[:TAG] (app:1 is docker.io/library/app:1), or sha256:DIGEST or its start.")
  List<String> images = new ArrayList<>();

  @Option(
      names = {"-f", "--force"},
      description = "Remove an image named by several names by its digest (default: off).")
  boolean force;

  @Mixin StoreLocation location = new StoreLocation();

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    int code = ExitCode.OK;
    try (Places places = new Places(location.resolve(cli), () -> null, cli.stdout())) {
      // As docker rmi: each argument on its own, so one missing name does not keep the others.
      for (String image : images) {
        try {
          for (UntaggedImage removed : places.untag(image, force)) {
            cli.stdout().println("Untagged: " + removed.name() + " (" + removed.digest() + ")");
          }
        } catch (Exception e) {
          code = ErrorReport.print(e, cli, debug);
        }
      }
    }
    cli.stdout().flush();
    return code;
  }
}
