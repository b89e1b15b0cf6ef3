package dev.kiln.cli.image;

import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.place.IndexAssembly;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.api.place.WrittenImage;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.registry.reference.ImageReference;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln index REF SRC...}: one multi-platform image index from images built separately, like
 * {@code docker buildx imagetools create}.
 */
@Command(
    name = "index",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Assemble an image index from single-platform images (or indexes) and push it.",
      "Each image becomes one entry with the platform its config names; manifests are kept as they",
      "are. The index is pushed to REF after every image it lists (--local: named in kiln's store).",
      "Its digest is printed on stdout."
    })
public final class IndexCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public IndexCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "REF",
      description = "The index's name: REGISTRY/REPOSITORY[:TAG] (default tag: latest).")
  String target;

  @Parameters(
      index = "1..*",
      arity = "1..*",
      paramLabel = "SRC",
      description = {
        "The images: a name in the local store (else in its registry), docker://REF, or an OCI",
        "layout or archive as kiln push reads them."
      })
  List<String> sources = new ArrayList<>();

  @Option(
      names = "--local",
      description = "Name the index in kiln's local store instead of pushing it (default: off).")
  boolean local;

  @Mixin TransferOptions transfer;

  @Override
  public Integer call() {
    try (TransferOptions.Transfer session = transfer.open(cli)) {
      ProgressDisplay display = session.display();
      Places places = session.places();
      ImageReference ref = TagTarget.parse(target, "an index is named by a tag");
      List<LocatedImage> images = new ArrayList<>();
      for (String source : sources) {
        images.add(places.openOrAskRegistry(PlaceSyntax.parse(source, Path.of(""))));
      }
      LocatedImage index = IndexAssembly.of(ref.toString(), images);
      WrittenImage written;
      if (local) {
        written =
            places
                .sink(new Place.Store(target, ref))
                .write(index, List.of(Place.Store.nameOf(ref)));
      } else {
        written = places.sink(Place.Registry.of(ref)).write(index, List.of(ref.toString()));
      }
      display
          .listener()
          .on(
              new BuildEvent.Note(
                  Instant.now(),
                  "index "
                      + ref
                      + "@"
                      + written.digest()
                      + " of "
                      + index.index().manifests().size()
                      + " images: "
                      + index.index().platforms()));
      display.close();
      cli.stdout().println(written.digest());
      return ExitCode.OK;
    } catch (Exception e) {
      return transfer.fail(e, cli);
    }
  }
}
