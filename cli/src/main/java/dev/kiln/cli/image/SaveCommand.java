package dev.kiln.cli.image;

import dev.kiln.api.build.Failures;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.api.request.RequestException;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.StoreLocation;
import dev.kiln.cli.shell.OptionValues;
import dev.kiln.registry.model.Platform;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln save IMAGE -o FILE} (or {@code kiln export}): writes an image of kiln's local store
 * as an archive that {@code docker load}, {@code podman load} and skopeo read.
 */
@Command(
    name = "save",
    aliases = "export",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Write an image of kiln's local store to an archive (docker load, podman load, skopeo).",
      "The archive records the image's full name, so loading it gives it that name back."
    })
public final class SaveCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public SaveCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "IMAGE",
      description =
          "NAME[:TAG|@DIGEST] in kiln's local store (or an OCI layout or archive, as kiln push"
              + " reads).")
  String source;

  @Option(
      names = {"-o", "--output"},
      required = true,
      paramLabel = "FILE",
      description = "The archive to write; - writes it to stdout (default: none, required).")
  Path output;

  @Option(
      names = "--format",
      completionCandidates = OptionValues.ArchiveFormats.class,
      paramLabel = "FORMAT",
      defaultValue = "docker",
      description =
          "docker (what docker load reads; also an OCI layout inside) or oci (an OCI archive)"
              + " (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--platform",
      completionCandidates = OptionValues.Platforms.class,
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Which image of a multi-platform index to write (default: this machine's).")
  String platform;

  @Mixin StoreLocation location = new StoreLocation();

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try (Places places = new Places(location.resolve(cli), () -> null, cli.stdout())) {
      Place.ArchiveKind kind =
          switch (format) {
            case "docker" -> Place.ArchiveKind.DOCKER;
            case "oci" -> Place.ArchiveKind.OCI;
            default ->
                throw new RequestException(
                    "unknown --format " + format, "use --format docker or --format oci");
          };
      Place src = PlaceSyntax.parse(source, Path.of(""));
      LocatedImage image =
          places
              .openLocal(src)
              .forPlatform(platform == null ? Platform.host() : Platform.parse(platform));
      List<String> names =
          src instanceof Place.Store s && s.reference().digest() == null
              ? List.of(s.name())
              : List.of();
      places.sink(new Place.Archive(output.toString(), output, "", kind)).write(image, names);
      if (!output.toString().equals("-")) {
        cli.stderr()
            .println(
                "saved "
                    + (names.isEmpty() ? source : names.get(0))
                    + " ("
                    + image.manifest().digest()
                    + ") to "
                    + output);
      }
      return ExitCode.OK;
    } catch (IOException e) {
      return ErrorReport.print(Failures.of(e, Optional.of(output)), cli, debug);
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }
}
