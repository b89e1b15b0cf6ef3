package dev.kiln.cli.image;

import dev.kiln.api.request.RequestException;
import dev.kiln.cache.store.ContentStore;
import dev.kiln.cache.store.IndexEntry;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ExitCode;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.cli.StoreLocation;
import dev.kiln.core.engine.StoreNames;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RemoteManifest;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.NotFoundException;
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
    try {
      boolean registryOnly = source.startsWith(ImageSources.REGISTRY_PREFIX);
      ImageReference src =
          ImageReference.parse(
              registryOnly ? source.substring(ImageSources.REGISTRY_PREFIX.length()) : source);
      if (!registryOnly) {
        Optional<IndexEntry> stored = storeEntry(src);
        if (stored.isPresent()) {
          return tagInStore(stored.get());
        }
      }
      try {
        return tagInRegistry(src);
      } catch (NotFoundException e) {
        if (!registryOnly) {
          cli.stderr()
              .println(
                  "note: "
                      + StoreNames.of(src)
                      + " is not in kiln's local store ("
                      + location.resolve(cli)
                      + ") either");
        }
        throw e;
      }
    } catch (Exception e) {
      return ErrorReport.print(e, cli, debug);
    }
  }

  private Optional<IndexEntry> storeEntry(ImageReference src) throws IOException {
    Path root = location.resolve(cli);
    if (!LayoutLocation.isLayout(root)) {
      return Optional.empty();
    }
    ContentStore store = ContentStore.open(root);
    if (src.digest() != null) {
      return store.index().entries().stream()
          .filter(e -> e.digest().equals(src.digest()))
          .findFirst();
    }
    return store.index().find(StoreNames.of(src));
  }

  private int tagInStore(IndexEntry entry) throws IOException {
    String name = StoreNames.of(ImageReference.parse(newName));
    ContentStore.open(location.resolve(cli)).index().tag(name, entry);
    cli.stderr().println("tagged " + name + " (" + entry.digest() + ") in kiln's local store");
    return ExitCode.OK;
  }

  private int tagInRegistry(ImageReference src) throws IOException {
    ImageReference target = target(src);
    try (RegistryClient client = registry.client(cli, event -> {})) {
      RemoteManifest manifest = client.fetchManifest(src);
      client.pushManifest(target.repositoryOnly(), manifest.manifest(), List.of(target.tag()));
      cli.stderr().println("tagged " + target + " (" + manifest.digest() + ") in the registry");
    }
    return ExitCode.OK;
  }

  /** NEWNAME as a reference in SRC's repository: a bare tag, or a full name that agrees. */
  private ImageReference target(ImageReference src) {
    boolean bareTag = !newName.contains("/") && !newName.contains(":") && !newName.contains("@");
    if (bareTag) {
      return src.repositoryOnly().withTag(newName);
    }
    ImageReference target = ImageReference.parse(newName);
    if (!target.repositoryOnly().equals(src.repositoryOnly())) {
      throw new RequestException(
          "cannot tag "
              + src
              + " as "
              + target
              + ": in a registry, kiln tags within one repository (no blobs are copied)",
          "give a tag, e.g. kiln tag " + source + " v2, or copy with kiln pull and kiln push");
    }
    if (target.digest() != null) {
      throw new RequestException(
          "NEWNAME " + newName + " has a digest", "a tag names an image; write NAME:TAG");
    }
    return target.tag() == null ? target.withTag(ImageReference.DEFAULT_TAG) : target;
  }
}
