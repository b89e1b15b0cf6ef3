package dev.kiln.cli.image;

import dev.kiln.api.place.Place;
import dev.kiln.api.place.PlaceSyntax;
import dev.kiln.api.place.Places;
import dev.kiln.api.place.TaggedImage;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.cli.StoreLocation;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.transport.NotFoundException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kiln tag SRC NEWNAME}: another name for an image. In the local store it is one more {@code
 * index.json} entry; in a registry it is the same manifest put under another tag, so no blob moves.
 */
@Command(
    name = "tag",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Give an image another name, in the local store or in its registry.",
      "In kiln's local store when SRC is there, else in SRC's registry (the manifest is put under",
      "the new tag; no blob is copied)."
    })
public final class TagCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public TagCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "SRC",
      description =
          "The image: NAME[:TAG|@DIGEST] (the local store first, then the registry),"
              + " or docker://REF (the registry only).")
  String source;

  @Parameters(
      index = "1",
      paramLabel = "NEWNAME",
      description =
          "The new name: NAME[:TAG]; for a registry image a TAG alone, or a name in the same"
              + " repository.")
  String newName;

  @Mixin StoreLocation location = new StoreLocation();

  @Mixin RegistryOptions registry;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try (RegistryClient client = registry.client(cli, event -> {});
        Places places = new Places(location.resolve(cli), () -> client, cli.stdout())) {
      Place src = PlaceSyntax.parseReference(source);
      TaggedImage tagged;
      try {
        tagged = places.tag(src, newName);
      } catch (NotFoundException e) {
        if (src instanceof Place.Store store) {
          cli.stderr()
              .println(
                  "note: "
                      + store.name()
                      + " is not in kiln's local store ("
                      + location.resolve(cli)
                      + ") either");
        }
        throw e;
      }
      cli.stderr()
          .println("tagged " + tagged.name() + " (" + tagged.digest() + ") in " + tagged.where());
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }
}
