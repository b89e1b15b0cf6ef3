package dev.kiln.api.event;

import dev.kiln.registry.event.RegistryEvent;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Passes what the registry client reports on to a {@link BuildListener}, so that a build (base
 * layers it pulls, the image it pushes), {@code kiln push}, {@code kiln pull} and the Maven goals
 * all show it alike:
 *
 * <ul>
 *   <li>blob events become {@link BuildEvent.Transfer}s (bars, lines and JSON). A transfer's id is
 *       the blob's digest; a blob that was already in the repository, or was mounted from another
 *       one, ends with {@code done = 0}: no bytes moved;
 *   <li>the client's {@link RegistryEvent.Notice}s (credentials withheld over plain HTTP, a
 *       credential helper that is not installed) become {@link BuildEvent.Warning}s. The client
 *       writes nothing itself, so these are the only way its warnings reach a person;
 *   <li>the rest (requests, retries, which credentials were used) stay in the client's events.
 * </ul>
 */
public final class RegistryEventRelay implements Consumer<RegistryEvent> {
  private final BuildListener listener;
  private final Clock clock;

  public RegistryEventRelay(BuildListener listener) {
    this(listener, Clock.systemUTC());
  }

  /** Events stamped by {@code clock} (a build's, so its events agree on the time). */
  public RegistryEventRelay(BuildListener listener, Clock clock) {
    this.listener = listener;
    this.clock = clock;
  }

  @Override
  public void accept(RegistryEvent event) {
    if (event instanceof RegistryEvent.BlobStarted e) {
      emit(kind(e.direction()), e.digest().toString(), 0, e.size(), false);
    } else if (event instanceof RegistryEvent.BlobProgress e) {
      emit(kind(e.direction()), e.digest().toString(), e.bytesSoFar(), e.size(), false);
    } else if (event instanceof RegistryEvent.BlobDownloaded e) {
      emit(BuildEvent.TransferKind.PULL, e.digest().toString(), e.size(), e.size(), true);
    } else if (event instanceof RegistryEvent.BlobPushed e) {
      long done = e.outcome() == RegistryEvent.PushOutcome.UPLOADED ? e.size() : 0;
      emit(BuildEvent.TransferKind.PUSH, e.digest().toString(), done, e.size(), true);
    } else if (event instanceof RegistryEvent.Notice notice) {
      listener.on(new BuildEvent.Warning(clock.instant(), notice.message(), Optional.empty()));
    }
  }

  private void emit(BuildEvent.TransferKind kind, String id, long done, long total, boolean end) {
    listener.on(
        new BuildEvent.Transfer(clock.instant(), Optional.empty(), kind, id, done, total, end));
  }

  private static BuildEvent.TransferKind kind(RegistryEvent.Direction direction) {
    return direction == RegistryEvent.Direction.UPLOAD
        ? BuildEvent.TransferKind.PUSH
        : BuildEvent.TransferKind.PULL;
  }
}
