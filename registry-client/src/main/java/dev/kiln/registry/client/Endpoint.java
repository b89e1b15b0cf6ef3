package dev.kiln.registry.client;

import dev.kiln.registry.transport.RegistryRequest;
import dev.kiln.registry.transport.RegistryResponse;
import java.io.IOException;

/**
 * One interaction with the registry API: the request to send, which statuses it understands, and
 * how to read the answer. Each endpoint is a small class that does no I/O itself, so it can be
 * tested by handing it responses; {@link EndpointCaller} does the sending and turns every other
 * status into a {@link dev.kiln.registry.transport.RegistryException} that names {@link #action()}.
 *
 * @param <T> what the endpoint makes of a response
 */
interface Endpoint<T> {

  /** What is being done, for messages: {@code checking blob sha256:… in ghcr.io/o/app}. */
  String action();

  RegistryRequest request();

  /** Whether {@link #handle} knows what {@code status} means; by default, 2xx. */
  default boolean handles(int status) {
    return status >= 200 && status < 300;
  }

  /** Reads a response whose status {@link #handles} accepted. */
  T handle(RegistryResponse response) throws IOException;
}
