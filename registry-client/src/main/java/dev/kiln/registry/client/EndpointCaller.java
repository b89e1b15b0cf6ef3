package dev.kiln.registry.client;

import dev.kiln.registry.model.MalformedDocumentException;
import dev.kiln.registry.transport.RegistryException;
import dev.kiln.registry.transport.RegistryResponse;
import dev.kiln.registry.transport.Transport;
import java.io.IOException;

/** Sends endpoints' requests through the HTTP stack and maps their answers. */
final class EndpointCaller {
  private final Transport http;

  EndpointCaller(Transport http) {
    this.http = http;
  }

  <T> T call(Endpoint<T> endpoint) throws IOException {
    try (RegistryResponse response = http.execute(endpoint.request())) {
      if (!endpoint.handles(response.status())) {
        throw RegistryException.fromResponse(endpoint.action(), response);
      }
      try {
        return endpoint.handle(response);
      } catch (MalformedDocumentException e) {
        throw new RegistryException(endpoint.action(), e.getMessage(), e);
      }
    } catch (RegistryException e) {
      throw e;
    } catch (IOException e) {
      throw withAction(endpoint.action(), e);
    }
  }

  /**
   * Sends the request and hands the open response to the caller (a blob stream), or throws for a
   * status the endpoint does not handle.
   */
  RegistryResponse open(Endpoint<?> endpoint) throws IOException {
    RegistryResponse response;
    try {
      response = http.execute(endpoint.request());
    } catch (RegistryException e) {
      throw e;
    } catch (IOException e) {
      throw withAction(endpoint.action(), e);
    }
    if (!endpoint.handles(response.status())) {
      try (response) {
        throw RegistryException.fromResponse(endpoint.action(), response);
      }
    }
    return response;
  }

  /** Says what was being done; the result is retryable exactly when the cause was. */
  static RegistryException withAction(String action, IOException e) {
    return RegistryException.ioFailure(action, e);
  }
}
