package dev.kiln.cli.image;

import dev.kiln.api.build.Failures;
import dev.kiln.api.event.BuildEvent;
import dev.kiln.api.event.HumanReadable;
import dev.kiln.api.event.RegistryEventRelay;
import dev.kiln.api.place.ImageSink;
import dev.kiln.api.place.LocatedImage;
import dev.kiln.api.place.Place;
import dev.kiln.api.place.Places;
import dev.kiln.api.request.DestinationCheck;
import dev.kiln.api.request.OutputSpec;
import dev.kiln.api.request.OutputSpecParser;
import dev.kiln.api.request.RequestException;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.ProgressOptions;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.cli.StoreLocation;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.cli.shell.OptionValues;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.config.ShortNameException;
import dev.kiln.registry.config.ShortNameResolution;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln pull REF [-o SPEC]}: copies a registry image into the local store or a file. */
@Command(
    name = "pull",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "Pull an image from a registry into the local store, an OCI layout or an archive.",
      "In kiln's local store, FROM and kiln push find it. The image's digest is printed on stdout."
    })
public final class PullCommand implements Callable<Integer> {
  private final CliEnvironment cli;

  public PullCommand(CliEnvironment cli) {
    this.cli = cli;
  }

  @Parameters(
      index = "0",
      paramLabel = "REF",
      description = "The image: [REGISTRY/]REPOSITORY[:TAG|@DIGEST] (default tag: latest).")
  String reference;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "SPEC",
      description = {
        "Where the image goes (default: type=image, the local store).",
        "  type=image | type=oci,dest=FILE.tar | type=oci,tar=false,dest=DIR | type=docker,dest=FILE;",
        "  name=NAME overrides the name recorded; dest=- writes an archive to stdout."
      })
  String output;

  @Option(
      names = "--platform",
      completionCandidates = OptionValues.Platforms.class,
      paramLabel = "OS/ARCH[/VARIANT]",
      description = "Which image of a multi-platform index to pull (default: this machine's).")
  String platform;

  @Option(
      names = "--all-platforms",
      description = {
        "Pull a multi-platform index whole, with every image it lists (default: off).",
        "  Not for type=docker, which holds one image."
      })
  boolean allPlatforms;

  @Mixin StoreLocation location = new StoreLocation();

  @Mixin RegistryOptions registry;
  @Mixin ProgressOptions progress;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try (ProgressDisplay display = progress.open(cli)) {
      List<ImageReference> candidates = candidates();
      ImageReference ref = candidates.get(0);
      OutputSpec spec = OutputSpecParser.parse(output == null ? "type=image" : output);
      // Layers go through the store whatever the output: both must be writable before a download.
      DestinationCheck.store(location.resolve(cli));
      DestinationCheck.output(spec);
      destination(spec, ref);
      if (allPlatforms && platform != null) {
        throw new RequestException(
            "--platform and --all-platforms exclude each other",
            "pass --platform OS/ARCH for one image, or --all-platforms for the whole index");
      }
      Platform wanted = platform == null ? Platform.host() : Platform.parse(platform);
      LocatedImage image = null;
      dev.kiln.registry.model.Digest pulledDigest = null;
      String written;
      long size;
      try (RegistryClient client =
              registry.client(cli, new RegistryEventRelay(display.listener()));
          Places places = new Places(location.resolve(cli), () -> client, cli.stdout())) {
        List<IOException> failures = new ArrayList<>();
        for (ImageReference candidate : candidates) {
          try {
            LocatedImage found = places.open(Place.Registry.of(candidate));
            image = allPlatforms ? found : found.forPlatform(wanted);
            pulledDigest = found.descriptor().digest();
            ref = candidate;
            break;
          } catch (IOException e) {
            if (candidates.size() == 1) {
              throw e;
            }
            failures.add(e);
          }
        }
        if (image == null) {
          throw noCandidate(candidates, failures);
        }
        Place target = destination(spec, ref);
        ImageSink sink = places.sink(target);
        written = sink.describe();
        List<String> names = names(spec, ref);
        sink.write(image, names);
        if (target instanceof Place.Store && ref.tag() != null) {
          // The tag may move: a build checks it again while the registry answers.
          places.recordPulled(
              names,
              Place.Store.nameOf(ref.repositoryOnly().withTag(ref.tag())) + "@" + pulledDigest);
        }
        // An index's manifests are read from the registry: while it is open.
        size = image.totalSize();
      }
      display
          .listener()
          .on(
              new BuildEvent.Note(
                  Instant.now(),
                  "pulled "
                      + ref
                      + " ("
                      + image.manifest().digest()
                      + ", "
                      + HumanReadable.bytes(size)
                      + ") to "
                      + written));
      display.close();
      boolean toStdout = spec.dest().map(d -> d.toString().equals("-")).orElse(false);
      if (!toStdout) {
        cli.stdout().println(image.manifest().digest());
      }
      return ExitCode.OK;
    } catch (IOException e) {
      // Layers go through the store: a full disk with no path named is the store's.
      return ErrorReport.print(Failures.of(e, Optional.of(location.resolve(cli))), cli, debug);
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }

  /**
   * What the name may be pulled as: itself if it names its registry, else by registries.conf's
   * aliases and unqualified-search registries (Docker Hub when no file sets them), with {@code
   * latest} when it has neither tag nor digest.
   */
  private List<ImageReference> candidates() {
    ShortNameResolution resolution;
    try {
      resolution = registry.machine(cli).registries().resolve(reference);
    } catch (ShortNameException e) {
      throw new RequestException(e.getMessage(), e.hint());
    }
    List<ImageReference> out = new ArrayList<>();
    for (ImageReference c : resolution.candidates()) {
      out.add(c.tag() == null && c.digest() == null ? c.withTag(ImageReference.DEFAULT_TAG) : c);
    }
    return out;
  }

  private IOException noCandidate(List<ImageReference> candidates, List<IOException> failures) {
    StringBuilder why = new StringBuilder();
    for (int i = 0; i < candidates.size(); i++) {
      why.append("\n * ")
          .append(candidates.get(i))
          .append(": ")
          .append(failures.get(i).getMessage());
    }
    RegistryException e =
        new RegistryException(
            "pulling " + reference,
            "none of its " + candidates.size() + " candidates could be pulled:" + why,
            null);
    failures.forEach(e::addSuppressed);
    return e;
  }

  private Place destination(OutputSpec spec, ImageReference ref) {
    return switch (spec.type()) {
      case IMAGE -> {
        if (spec.push()) {
          throw new RequestException(
              "kiln pull cannot write to a registry", "use kiln push SRC REF to copy an image");
        }
        yield new Place.Store(reference, ref);
      }
      case OCI -> new Place.Archive(output, spec.dest().orElseThrow(), "", Place.ArchiveKind.OCI);
      case OCI_LAYOUT -> new Place.Layout(output, spec.dest().orElseThrow(), "");
      case DOCKER ->
          new Place.Archive(output, spec.dest().orElseThrow(), "", Place.ArchiveKind.DOCKER);
      default ->
          throw new RequestException(
              "kiln pull writes images, not files: " + output,
              "use -o type=image, type=oci,dest=FILE, type=oci,tar=false,dest=DIR or"
                  + " type=docker,dest=FILE");
    };
  }

  /** The store names images by full reference; files by the reference as given. */
  private static List<String> names(OutputSpec spec, ImageReference ref) {
    if (!spec.names().isEmpty()) {
      return spec.type() == OutputSpec.Type.IMAGE
          ? spec.names().stream().map(n -> Place.Store.nameOf(ImageReference.parse(n))).toList()
          : spec.names();
    }
    if (ref.tag() == null) {
      return List.of(); // by digest only: stored under its digest, untagged in files
    }
    ImageReference tagged = ref.repositoryOnly().withTag(ref.tag());
    return List.of(
        spec.type() == OutputSpec.Type.IMAGE ? Place.Store.nameOf(tagged) : tagged.familiar());
  }
}
