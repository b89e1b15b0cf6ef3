package dev.kiln.cli.image;

import dev.kiln.api.build.Failures;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.NamedImage;
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
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln load ARCHIVE} (or {@code kiln import}): puts every image of an archive (or an OCI
 * layout) into kiln's local store, under the names the archive gives them.
 */
@Command(
    name = "load",
    aliases = "import",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Load the images of an archive or an OCI layout into kiln's local store.",
      "Reads docker save, podman save, kiln save, skopeo and buildx archives; each image gets the",
      "names the archive records.",
      "Prints each name loaded (or the digest of an image the archive does not name)."
    })
public final class LoadCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public LoadCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "ARCHIVE",
      description =
          "FILE (an OCI or docker archive, gzip too), oci-archive:FILE, docker-archive:FILE or an"
              + " OCI layout DIR (default: -i).")
  String archive;

  @Option(
      names = {"-i", "--input"},
      paramLabel = "FILE",
      description = "The archive, as docker load -i takes it (default: the ARCHIVE argument).")
  String input;

  @Option(
      names = {"-t", "--tag"},
      paramLabel = "NAME[:TAG]",
      description =
          "Name the image this, instead of (or when there are none) the archive's names; only for"
              + " an archive of one image (default: the archive's names).")
  List<String> tags = new ArrayList<>();

  @Option(
      names = "--platform",
      completionCandidates = OptionValues.Platforms.class,
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Which image of a multi-platform index to load (default: this machine's).")
  String platform;

  @Mixin StoreLocation location = new StoreLocation();

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try (Places places = new Places(location.resolve(cli), () -> null, cli.stdout())) {
      String text = archive != null ? archive : input;
      if (text == null || (archive != null && input != null)) {
        throw new RequestException(
            "kiln load needs one archive", "write kiln load FILE or kiln load -i FILE");
      }
      Platform wanted = platform == null ? Platform.host() : Platform.parse(platform);
      List<NamedImage> images = places.images(PlaceSyntax.parse(text, Path.of("")));
      if (!tags.isEmpty() && images.size() != 1) {
        throw new RequestException(
            text + " holds " + images.size() + " images, and --tag names one",
            "load it without --tag, then name each with kiln tag");
      }
      for (NamedImage named : images) {
        LocatedImage image = named.image().forPlatform(wanted);
        List<String> names = new ArrayList<>();
        for (String name : tags.isEmpty() ? named.names() : tags) {
          names.add(Place.Store.nameOf(ImageReference.parse(name)));
        }
        places.storeSink().write(image, names);
        if (names.isEmpty()) {
          cli.stdout().println("Loaded image: " + image.manifest().digest());
          if (!named.tags().isEmpty()) {
            cli.stderr()
                .println(
                    "note: "
                        + text
                        + " names "
                        + image.manifest().digest()
                        + " only by the tag "
                        + String.join(", ", named.tags())
                        + ", with no repository; name it with kiln load -t NAME:"
                        + named.tags().get(0)
                        + " or kiln tag");
          }
        }
        for (String name : names) {
          cli.stdout().println("Loaded image: " + name);
        }
      }
      cli.stdout().flush();
      return ExitCode.OK;
    } catch (IOException e) {
      return ErrorReport.print(Failures.of(e, Optional.of(location.resolve(cli))), cli, debug);
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }
}
