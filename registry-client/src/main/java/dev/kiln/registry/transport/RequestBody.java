package dev.kiln.registry.transport;

import java.io.IOException;
import java.io.OutputStream;

/**
 * What a request sends. Bodies are written straight to the connection ({@link #writeTo}), never
 * buffered, so a blob upload needs no more memory than a copy buffer.
 */
public interface RequestBody {

  /** The Content-Type to send, or null. */
  String contentType();

  /** The exact length in bytes, or -1 if unknown (then it is sent chunked). */
  long length();

  /**
   * Whether {@link #writeTo} can be called again with the same result; only replayable bodies are
   * retried.
   */
  boolean replayable();

  /** Writes the whole body. */
  void writeTo(OutputStream out) throws IOException;

  /** A small in-memory body (a manifest, a token form). */
  static RequestBody of(byte[] bytes, String contentType) {
    byte[] copy = bytes.clone();
    return new RequestBody() {
      @Override
      public String contentType() {
        return contentType;
      }

      @Override
      public long length() {
        return copy.length;
      }

      @Override
      public boolean replayable() {
        return true;
      }

      @Override
      public void writeTo(OutputStream out) throws IOException {
        out.write(copy);
      }
    };
  }

  /** A zero-length body, for PUT/PATCH that must send one. */
  static RequestBody empty() {
    return of(new byte[0], null);
  }
}
