package dev.kiln.cli.image;

import dev.kiln.api.build.Failures;
import dev.kiln.api.event.RegistryEventRelay;
import dev.kiln.api.place.Places;
import dev.kiln.cli.CliEnvironment;
import dev.kiln.cli.ErrorReport;
import dev.kiln.cli.ProgressOptions;
import dev.kiln.cli.RegistryOptions;
import dev.kiln.cli.StoreLocation;
import dev.kiln.cli.progress.ProgressDisplay;
import dev.kiln.registry.client.RegistryClient;
import java.io.IOException;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options of the commands that move images through kiln's store to or from a registry ({@code
 * push}, {@code copy}, {@code index}): the store, the registry settings, progress and {@code
 * --debug}; with the session they open and the way they report a failure.
 */
public final class TransferOptions {
  @Mixin StoreLocation location = new StoreLocation();

  @Mixin RegistryOptions registry;
  @Mixin ProgressOptions progress;

  @Option(names = "--debug", description = "Show stack traces for errors (default: off).")
  boolean debug;

  /** Opens the progress display, a registry client reporting to it, and the places over both. */
  Transfer open(CliEnvironment cli) {
    ProgressDisplay display = progress.open(cli);
    try {
      RegistryClient client = registry.client(cli, new RegistryEventRelay(display.listener()));
      try {
        return new Transfer(
            display, client, new Places(location.resolve(cli), () -> client, cli.stdout()));
      } catch (RuntimeException e) {
        closeAfter(client, e);
        throw e;
      }
    } catch (RuntimeException e) {
      display.close();
      throw e;
    }
  }

  /** Prints {@code e} and returns the exit code. */
  int fail(Exception e, CliEnvironment cli) {
    if (e instanceof IOException io) {
      // Layers go through the store: a full disk with no path named is the store's.
      return ErrorReport.print(Failures.of(io, Optional.of(location.resolve(cli))), cli, debug);
    }
    return ErrorReport.print(e, cli, debug);
  }

  private static void closeAfter(RegistryClient client, RuntimeException e) {
    try {
      client.close();
    } catch (IOException | RuntimeException closing) {
      e.addSuppressed(closing);
    }
  }

  /** The open display, client and places of one command, closed in the reverse order. */
  record Transfer(ProgressDisplay display, RegistryClient client, Places places)
      implements AutoCloseable {
    @Override
    public void close() throws IOException {
      try (ProgressDisplay d = display;
          RegistryClient c = client;
          Places p = places) {
        // Only to close the three as try-with-resources does.
      }
    }
  }
}
