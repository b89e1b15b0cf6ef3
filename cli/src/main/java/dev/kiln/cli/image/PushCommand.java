package dev.kiln.cli.image;

import dev.kiln.api.build.Failures;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.RegistryEventRelay;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.api.place.WrittenImage;
import dev.kiln.api.request.RequestException;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.ProgressOptions;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.cli.StoreLocation;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.cli.shell.OptionValues;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln push SRC REF}: copies a local image, or another registry's, to a registry. */
@Command(
    name = "push",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Push an image (store, OCI layout, archive, or another registry) to a registry.",
      "SRC is an image in kiln's local store, an OCI layout directory, an OCI / docker archive, or",
      "docker://REF (copied registry to registry, a multi-platform index whole).",
      "Blobs the registry has are skipped; the pushed reference with its digest is printed on stdout."
    })
public final class PushCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public PushCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "SRC",
      description = {
        "What to push: NAME[:TAG] in the local store; DIR[:NAME], oci:DIR[:NAME|@DIGEST] or",
        "oci-layout://DIR[:NAME|@DIGEST] (an OCI layout); FILE[:NAME], oci-archive:FILE[:NAME] or",
        "docker-archive:FILE[:NAME] (an OCI or docker save archive); docker://REF (a registry image).",
        "NAME may be left out when it holds one image."
      })
  String source;

  @Parameters(
      index = "1",
      paramLabel = "REF",
      description = "Where to push it: REGISTRY/REPOSITORY[:TAG] (default tag: latest).")
  String target;

  @Option(
      names = "--platform",
      completionCandidates = OptionValues.Platforms.class,
      paramLabel = "OS/ARCH[/VARIANT]",
      description =
          "Push only this platform's image of a multi-platform SRC (default: all of them).")
  String platform;

  @Mixin StoreLocation location = new StoreLocation();

  @Mixin RegistryOptions registry;
  @Mixin ProgressOptions progress;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try (ProgressDisplay display = progress.open(cli);
        RegistryClient client = registry.client(cli, new RegistryEventRelay(display.listener()));
        Places places = new Places(location.resolve(cli), () -> client, cli.stdout())) {
      ImageReference ref = ImageReference.parse(target);
      if (ref.digest() != null) {
        throw new RequestException(
            "REF " + target + " has a digest; a push names a tag", "write REGISTRY/REPO:TAG");
      }
      if (ref.tag() == null) {
        ref = ref.withTag(ImageReference.DEFAULT_TAG);
      }
      // A docker:// SRC is a registry-to-registry copy: a multi-platform index stays whole.
      LocatedImage image = places.open(PlaceSyntax.parse(source, Path.of("")));
      if (!image.isIndex() || platform != null) {
        image = image.forPlatform(platform == null ? Platform.host() : Platform.parse(platform));
      }
      WrittenImage written =
          places.sink(Place.Registry.of(ref)).write(image, List.of(ref.toString()));
      PushResult result = written.pushes().get(0);
      String pinned = ref.repositoryOnly().withDigest(result.digest()).toString();
      display.listener().on(new BuildEvent.Note(Instant.now(), summary(ref, result)));
      display.close();
      cli.stdout().println(pinned);
      return ExitCode.OK;
    } catch (IOException e) {
      // Layers go through the store: a full disk with no path named is the store's.
      return ErrorReport.print(Failures.of(e, Optional.of(location.resolve(cli))), cli, debug);
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }

  private static String summary(ImageReference ref, PushResult result) {
    if (result.alreadyPresent()) {
      return "pushed " + ref + "@" + result.digest() + ": the registry had it already";
    }
    if (result.blobs().isEmpty()) {
      return "pushed "
          + ref
          + "@"
          + result.digest()
          + ": the registry had the image already; only the tag was set";
    }
    long uploaded = count(result, PushOutcome.UPLOADED);
    long existed = count(result, PushOutcome.EXISTED);
    long mounted = count(result, PushOutcome.MOUNTED);
    return "pushed "
        + ref
        + "@"
        + result.digest()
        + ": "
        + uploaded
        + " blobs uploaded, "
        + existed
        + " already there, "
        + mounted
        + " mounted";
  }

  private static long count(PushResult result, PushOutcome outcome) {
    return result.blobs().values().stream().filter(o -> o == outcome).count();
  }
}
