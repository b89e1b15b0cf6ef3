package dev.kiln.cli.image;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.api.place.WrittenImage;
import dev.kiln.api.request.RequestException;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.cli.shell.OptionValues;
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

/**
 * {@code kiln copy SRC DST}: an image from any place to any other, as {@code skopeo copy} and
 * {@code crane copy} do. Registry to registry, a multi-platform index is copied whole, blob by
 * blob, mounted when both are in one registry; layers cross kiln's machine at most once, through
 * its store.
 */
@Command(
    name = "copy",
    aliases = "cp",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Copy an image between registries, kiln's local store, OCI layouts and archives.",
      "To a registry, a multi-platform index is copied whole (with every image it lists) unless",
      "--platform picks one; to the store or a file, one platform's image is written.",
      "Prints the copy's reference with its digest (a registry) or its digest (elsewhere)."
    })
public final class CopyCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public CopyCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "SRC",
      description = {
        "docker://REF (a registry); NAME[:TAG|@DIGEST] (kiln's local store, else its registry);",
        "DIR[:NAME], oci:DIR[:NAME] or oci-layout://DIR[:NAME] (an OCI layout); FILE[:NAME],",
        "oci-archive:FILE[:NAME] or docker-archive:FILE[:NAME] (an archive)."
      })
  String source;

  @Parameters(
      index = "1",
      paramLabel = "DST",
      description = {
        "docker://REF (a registry); oci:DIR[:NAME] (an OCI layout); oci-archive:FILE[:NAME] or",
        "docker-archive:FILE[:NAME] (an archive); NAME[:TAG] (kiln's local store)."
      })
  String destination;

  @Option(
      names = "--platform",
      completionCandidates = OptionValues.Platforms.class,
      paramLabel = "OS/ARCH[/VARIANT]",
      description =
          "Copy only this platform's image (default: the whole index to a registry; this"
              + " machine's image elsewhere).")
  String platform;

  @Mixin TransferOptions transfer;

  @Override
  public Integer call() {
    try (TransferOptions.Transfer session = transfer.open(cli)) {
      ProgressDisplay display = session.display();
      Places places = session.places();
      Place dst = PlaceSyntax.parseDestination(destination, Path.of(""));
      Place src = PlaceSyntax.parse(source, Path.of(""));
      LocatedImage image = places.openOrAskRegistry(src);
      if (!(dst instanceof Place.Registry) || platform != null || !image.isIndex()) {
        image = image.forPlatform(platform == null ? Platform.host() : Platform.parse(platform));
      }
      List<String> names = names(src, dst);
      WrittenImage written = places.sink(dst).write(image, names);
      String result =
          dst instanceof Place.Registry r
              ? r.reference().repositoryOnly().withDigest(written.digest()).toString()
              : written.digest().toString();
      display
          .listener()
          .on(
              new BuildEvent.Note(
                  Instant.now(),
                  "copied "
                      + source
                      + " ("
                      + image.manifest().digest()
                      + (image.isIndex() ? ", " + image.index().manifests().size() + " images" : "")
                      + ") to "
                      + destination));
      display.close();
      boolean toStdout = dst instanceof Place.Archive a && a.file().toString().equals("-");
      if (!toStdout) {
        cli.stdout().println(result);
      }
      return ExitCode.OK;
    } catch (Exception e) {
      return transfer.fail(e, cli);
    }
  }

  /**
   * The names the copy gets: the destination's own (a registry or store reference, a layout's or
   * archive's {@code :NAME}), else the source's reference, so a file written from {@code
   * docker://reg/app:1} loads as {@code reg/app:1}.
   */
  private static List<String> names(Place src, Place dst) {
    if (dst instanceof Place.Registry || dst instanceof Place.Store) {
      ImageReference ref = reference(dst);
      if (ref.digest() != null) {
        throw new RequestException(
            "DST " + dst.text() + " has a digest; a copy names a tag", "write NAME[:TAG]");
      }
      return List.of(dst instanceof Place.Store s ? s.name() : withTag(ref).toString());
    }
    String selector =
        dst instanceof Place.Layout l ? l.selector() : ((Place.Archive) dst).selector();
    ImageReference from = reference(src);
    if (!selector.isEmpty()) {
      if (selector.contains("/") || selector.contains(":")) {
        return List.of(withTag(ImageReference.parse(selector)).toString());
      }
      if (from == null) {
        throw new RequestException(
            dst.text() + " gives a tag (" + selector + ") but no repository to name the image by",
            "write the whole name after the path, e.g. oci:DIR:registry.example/app:" + selector);
      }
      return List.of(from.repositoryOnly().withTag(selector).toString());
    }
    return from == null || from.tag() == null && from.digest() != null
        ? List.of()
        : List.of(withTag(from).toString());
  }

  private static ImageReference reference(Place place) {
    if (place instanceof Place.Registry r) {
      return r.reference();
    }
    if (place instanceof Place.Store s) {
      return s.reference();
    }
    return null;
  }

  private static ImageReference withTag(ImageReference ref) {
    ImageReference repo = ref.repositoryOnly();
    return ref.tag() != null ? repo.withTag(ref.tag()) : repo.withTag(ImageReference.DEFAULT_TAG);
  }
}
