package dev.kiln.registry.client;

import dev.kiln.registry.config.PullSource;
import dev.kiln.registry.config.RegistriesConfig;
import dev.kiln.registry.config.RegistryEntry;
import dev.kiln.registry.event.RegistryEvent;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.transport.ConnectionFailures;
import dev.kiln.registry.transport.NotFoundException;
import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Sends a pull where registries.conf and daemon.json say it should go: refused for a blocked
 * registry, else to each mirror that applies and then to the registry's own location, until one
 * answers. A mirror that cannot be reached at all is not asked again by this client, so a dead
 * mirror costs its retries once per build, not once per blob. Pushes never come here.
 */
final class PullRouting {
  /** One try at one place. */
  interface Attempt<T> {
    T from(ImageReference source) throws IOException;
  }

  private final RegistriesConfig config;
  private final Consumer<RegistryEvent> events;
  private final Set<String> unreachable = ConcurrentHashMap.newKeySet();

  PullRouting(RegistriesConfig config, Consumer<RegistryEvent> events) {
    this.config = config;
    this.events = events;
  }

  /** The first answer for {@code reference}; a mirror's failure moves on to the next place. */
  <T> T pull(ImageReference reference, String action, Attempt<T> attempt) throws IOException {
    return pull(reference, action, attempt, result -> true);
  }

  /**
   * As {@link #pull(ImageReference, String, Attempt)}, moving on also when a mirror's answer does
   * not satisfy {@code found} (an empty {@code HEAD}).
   */
  <T> T pull(ImageReference reference, String action, Attempt<T> attempt, Predicate<T> found)
      throws IOException {
    Optional<RegistryEntry> blocked = config.blockedBy(reference);
    if (blocked.isPresent()) {
      throw new RegistryException(
          action,
          "pulling "
              + reference.name()
              + " is blocked: the registry with prefix "
              + blocked.get().prefix()
              + " is set blocked = true in "
              + blocked.get().origin(),
          null);
    }
    List<PullSource> sources = config.pullSources(reference);
    if (sources.size() == 1) {
      return attempt.from(sources.get(0).reference());
    }
    List<IOException> mirrorFailures = new ArrayList<>();
    for (PullSource source : sources) {
      String host = source.reference().apiHost();
      if (source.mirror() && unreachable.contains(host)) {
        continue;
      }
      if (!source.mirror()) {
        try {
          return attempt.from(source.reference());
        } catch (IOException e) {
          mirrorFailures.forEach(e::addSuppressed);
          throw e;
        }
      }
      try {
        T result = attempt.from(source.reference());
        if (found.test(result)) {
          return result;
        }
      } catch (InterruptedIOException e) {
        throw e;
      } catch (NotFoundException e) {
        mirrorFailures.add(e); // not on this mirror: the next place may have it
      } catch (IOException e) {
        mirrorFailures.add(e);
        if (!(e instanceof RegistryException r) || r.status() == 0) {
          unreachable.add(host);
        }
        events.accept(
            new RegistryEvent.MirrorFailed(host, reference.name(), ConnectionFailures.describe(e)));
      }
    }
    throw new IllegalStateException("a registry's own location is always its last pull source");
  }
}
