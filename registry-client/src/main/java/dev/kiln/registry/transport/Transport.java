package dev.kiln.registry.transport;

import java.io.Closeable;
import java.io.IOException;

/** The end of the chain: sends one request over the network and returns the raw response. */
public interface Transport extends Closeable {
  RegistryResponse execute(RegistryRequest request) throws IOException;

  @Override
  default void close() throws IOException {}
}
