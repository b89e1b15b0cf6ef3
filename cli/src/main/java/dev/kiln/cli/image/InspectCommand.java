package dev.kiln.cli.image;

import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.cli.StoreLocation;
import dev.kiln.cli.shell.OptionValues;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln inspect}: shows an image's manifest, config and layers without pulling layers. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Show an image's manifest, config and layers, without downloading layers.",
      "Prints a JSON summary (platform, config, layers), or with --raw / --config the exact manifest",
      "or config bytes, whose sha256 is their digest."
    })
public final class InspectCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public InspectCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "REF|SRC",
      description = {
        "The image: NAME[:TAG|@DIGEST] (kiln's local store first, then the registry),",
        "docker://REF (the registry only), DIR[:NAME], oci:DIR[:NAME] or oci-layout://DIR[:NAME]",
        "(an OCI layout), or FILE[:NAME], oci-archive:FILE[:NAME] or docker-archive:FILE[:NAME]",
        "(an OCI or docker archive)."
      })
  String source;

  static final class Format {
    @Option(
        names = "--raw",
        description =
            "Print the manifest (or index) exactly as stored; with --platform, that platform's"
                + " manifest (default: off).")
    boolean raw;

    @Option(
        names = "--config",
        description = "Print the image config exactly as stored (default: off).")
    boolean config;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  Format format = new Format();

  @Option(
      names = "--platform",
      completionCandidates = OptionValues.Platforms.class,
      paramLabel = "OS/ARCH[/VARIANT]",
      description =
          "Choose this platform's image of a multi-platform index (default: the index itself;"
              + " this machine's for --config).")
  String platform;

  @Mixin StoreLocation location = new StoreLocation();

  @Mixin RegistryOptions registry;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  private RegistryClient client;

  @Override
  public Integer call() {
    try (Places places = new Places(location.resolve(cli), this::client, cli.stdout())) {
      Place place = PlaceSyntax.parse(source, Path.of(""));
      LocatedImage image;
      try {
        image = places.openOrAskRegistry(place);
      } catch (RegistryException e) {
        if (!(place instanceof Place.Registry)) {
          cli.stderr()
              .println(
                  "note: " + source + " is not in kiln's local store, so kiln asked its registry");
        }
        throw e;
      }
      if (platform != null || format.config) {
        image = image.forPlatform(platform == null ? Platform.host() : Platform.parse(platform));
      }
      if (format.raw) {
        write(image.manifest().raw().toByteArray());
      } else if (format.config) {
        write(image.reader().readBlob(image.imageManifest().config()));
      } else if (image.isIndex()) {
        write((ImageSummary.ofIndex(image) + "\n").getBytes(StandardCharsets.UTF_8));
      } else {
        String text = ImageSummary.ofImage(image, image.config()) + "\n";
        write(text.getBytes(StandardCharsets.UTF_8));
      }
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    } finally {
      if (client != null) {
        try {
          client.close();
        } catch (IOException e) {
          // Nothing left to tell the user.
        }
      }
    }
  }

  /** Created only when the image is not in a local place. */
  private RegistryClient client() {
    if (client == null) {
      client = registry.client(cli, event -> {});
    }
    return client;
  }

  /** Bytes exactly as stored, so {@code kiln inspect --raw X | sha256sum} is X's digest. */
  private void write(byte[] bytes) {
    cli.stdout().write(bytes, 0, bytes.length);
    cli.stdout().flush();
  }
}
