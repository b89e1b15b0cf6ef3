package dev.kiln.cli.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.api.event.HumanReadable;
import dev.kiln.api.place.Places;
import dev.kiln.api.place.StoredImage;
import dev.kiln.api.request.RequestException;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.StoreLocation;
import dev.kiln.cli.TextTable;
import dev.kiln.cli.shell.OptionValues;
import dev.kiln.registry.model.Platform;
import dev.kiln.registry.reference.ImageReference;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kiln images}: the images kiln's local store names, as a table or as JSON. */
@Command(
    name = "images",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 110,
    sortOptions = false,
    description = {
      "List the images in kiln's local store: name, tag, digest, creation time and size.",
      "Images stored without a name (built without -t, pulled by digest) show as <none>."
    })
public final class ImagesCommand implements Callable<Integer> {
  /**
   * Made on first use, not when the class is: help and completion create every command, and an
   * ObjectMapper loads Jackson and the JDK's locale and calendar data (about 30 ms of CPU).
   */
  private static final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();
  }

  private final CliEnvironment cli;
  private final Clock clock;

  public ImagesCommand(CliEnvironment cli) {
    this(cli, Clock.systemUTC());
  }

  ImagesCommand(CliEnvironment cli, Clock clock) {
    this.cli = cli;
    this.clock = clock;
  }

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "NAME[:TAG]",
      description = "Only images of this repository (and tag) (default: every image).")
  String filter;

  @Option(
      names = "--format",
      completionCandidates = OptionValues.ListFormats.class,
      paramLabel = "FORMAT",
      defaultValue = "table",
      description =
          "table, or json: one JSON object per image and line, as docker images --format json"
              + " (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--no-trunc",
      description = "Show whole digests in the table (default: the first 12 hex digits).")
  boolean noTrunc;

  @Mixin StoreLocation location = new StoreLocation();

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  @Override
  public Integer call() {
    try (Places places = new Places(location.resolve(cli), () -> null, cli.stdout())) {
      if (!format.equals("table") && !format.equals("json")) {
        throw new RequestException(
            "unknown --format " + format, "use --format table or --format json");
      }
      List<StoredImage> images = new ArrayList<>();
      for (StoredImage image : places.storedImages()) {
        if (matches(image)) {
          images.add(image);
        }
      }
      if (format.equals("json")) {
        for (StoredImage image : images) {
          cli.stdout().println(Json.MAPPER.writeValueAsString(json(image)));
        }
      } else {
        table(images, cli.stdout());
      }
      cli.stdout().flush();
      return ExitCode.OK;
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }

  private boolean matches(StoredImage image) {
    if (filter == null) {
      return true;
    }
    if (image.name().isEmpty()) {
      return false;
    }
    ImageReference wanted = ImageReference.parse(filter);
    ImageReference name = ImageReference.parse(image.name().get());
    return wanted.repositoryOnly().equals(name.repositoryOnly())
        && (wanted.tag() == null || wanted.tag().equals(name.tag()));
  }

  private ObjectNode json(StoredImage image) {
    ObjectNode node = Json.MAPPER.createObjectNode();
    node.put("name", image.name().orElse(null));
    if (image.name().isPresent()) {
      ImageReference ref = ImageReference.parse(image.name().get());
      node.put("repository", ref.repositoryOnly().toString());
      node.put("tag", ref.tag());
    } else {
      node.putNull("repository");
      node.putNull("tag");
    }
    node.put("digest", image.digest().toString());
    node.put("mediaType", image.mediaType());
    node.put("size", image.size());
    node.put("created", image.created().map(Instant::toString).orElse(null));
    ArrayNode platforms = node.putArray("platforms");
    image.platforms().forEach(p -> platforms.add(p.toString()));
    image.problem().ifPresent(p -> node.put("problem", p));
    return node;
  }

  private void table(List<StoredImage> images, PrintStream out) {
    TextTable table = new TextTable("REPOSITORY", "TAG", "DIGEST", "PLATFORM", "CREATED", ">SIZE");
    for (StoredImage image : images) {
      String repository = "<none>";
      String tag = "<none>";
      if (image.name().isPresent()) {
        ImageReference ref = ImageReference.parse(image.name().get());
        repository = ref.repositoryOnly().familiar();
        tag = ref.tagOrDefault();
      }
      String digest =
          noTrunc
              ? image.digest().toString()
              : image.digest().algorithm() + ":" + image.digest().shortHex();
      table.row(
          repository,
          tag,
          digest,
          platforms(image.platforms()),
          image.created().map(this::ago).orElse("-"),
          image.problem().isPresent() ? "unreadable" : HumanReadable.bytes(image.size()));
    }
    table.print(out);
    for (StoredImage image : images) {
      image.problem().ifPresent(p -> cli.stderr().println("warning: " + image.digest() + ": " + p));
    }
  }

  private static String platforms(List<Platform> platforms) {
    if (platforms.isEmpty()) {
      return "-";
    }
    return platforms.size() == 1 ? platforms.get(0).toString() : platforms.size() + " platforms";
  }

  /** {@code 5 minutes ago}, as docker images prints it. */
  private String ago(Instant created) {
    Duration d = Duration.between(created, clock.instant());
    if (d.isNegative() || d.toSeconds() < 60) {
      return "just now";
    }
    long[] amounts = {d.toDays() / 365, d.toDays() / 30, d.toDays() / 7, d.toDays(), d.toHours()};
    String[] units = {"year", "month", "week", "day", "hour"};
    for (int i = 0; i < amounts.length; i++) {
      if (amounts[i] >= 1) {
        return plural(amounts[i], units[i]);
      }
    }
    return plural(d.toMinutes(), "minute");
  }

  private static String plural(long n, String unit) {
    return String.format(Locale.ROOT, "%d %s%s ago", n, unit, n == 1 ? "" : "s");
  }
}
