package dev.kiln.cli.image;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.api.place.WrittenImage;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.cli.shell.OptionValues;
import dev.kiln.registry.client.PushResult;
import dev.kiln.registry.event.RegistryEvent.PushOutcome;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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

  @Mixin TransferOptions transfer;

  @Override
  public Integer call() {
    try (TransferOptions.Transfer session = transfer.open(cli)) {
      ProgressDisplay display = session.display();
      Places places = session.places();
      ImageReference ref = TagTarget.parse(target, "a push names a tag");
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
    } catch (Exception e) {
      return transfer.fail(e, cli);
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
