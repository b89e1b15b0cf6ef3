package dev.kiln.registry.transport;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A response travelling back up the interceptor chain. Its body is either buffered (small JSON
 * documents and every error body) or a live stream (blobs).
 *
 * <p>Always close a response. Closing a stream that was read to the end returns the connection to
 * the pool; closing one that was not aborts the connection, so that an abandoned blob download does
 * not read gigabytes just to reuse a socket.
 */
public final class RegistryResponse implements Closeable {
  /** What the transport does to drop a connection without reading the rest of a body. */
  @FunctionalInterface
  public interface Abort {
    void abort();
  }

  private final RegistryRequest request;
  private final int status;
  private final Headers headers;
  private final byte[] buffered;
  private final EofTrackingStream stream;
  private final Abort abort;
  private final String credentialSource;

  private RegistryResponse(
      RegistryRequest request,
      int status,
      Headers headers,
      byte[] buffered,
      EofTrackingStream stream,
      Abort abort,
      String credentialSource) {
    this.request = Objects.requireNonNull(request, "request");
    this.status = status;
    this.headers = Objects.requireNonNull(headers, "headers");
    this.buffered = buffered;
    this.stream = stream;
    this.abort = abort;
    this.credentialSource = credentialSource;
  }

  /** A response whose body has been read completely (possibly empty). */
  public static RegistryResponse buffered(
      RegistryRequest request, int status, Headers headers, byte[] body) {
    return new RegistryResponse(
        request, status, headers, body == null ? new byte[0] : body, null, null, null);
  }

  /** A response whose body is still on the wire. */
  public static RegistryResponse streaming(
      RegistryRequest request, int status, Headers headers, InputStream body, Abort abort) {
    return new RegistryResponse(
        request, status, headers, null, new EofTrackingStream(body), abort, null);
  }

  /** The request that produced this response (after any redirect). */
  public RegistryRequest request() {
    return request;
  }

  public int status() {
    return status;
  }

  public boolean isSuccessful() {
    return status >= 200 && status < 300;
  }

  public Headers headers() {
    return headers;
  }

  public String header(String name) {
    return headers.first(name);
  }

  /** Where the credentials sent with the request came from, or null if none were sent. */
  public String credentialSource() {
    return credentialSource;
  }

  /** This response, noting where the credentials for its request came from. */
  public RegistryResponse withCredentialSource(String source) {
    return new RegistryResponse(request, status, headers, buffered, stream, abort, source);
  }

  /** This response with another request (the one before a redirect, for error messages). */
  public RegistryResponse withRequest(RegistryRequest original) {
    return new RegistryResponse(
        original, status, headers, buffered, stream, abort, credentialSource);
  }

  public boolean isBuffered() {
    return buffered != null;
  }

  /** The body as a stream; for a streaming response this is the live stream (read it once). */
  public InputStream body() {
    return buffered != null ? new ByteArrayInputStream(buffered) : stream;
  }

  /**
   * The whole body, at most {@code limit} bytes.
   *
   * @throws IOException if the body is longer than {@code limit} or cannot be read
   */
  public byte[] bodyBytes(long limit) throws IOException {
    if (buffered != null) {
      if (buffered.length > limit) {
        throw new IOException(
            request + " answered with " + buffered.length + " bytes, more than " + limit);
      }
      return buffered;
    }
    byte[] bytes = stream.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
    if (bytes.length > limit) {
      abort();
      throw new IOException(request + " answered with more than " + limit + " bytes");
    }
    return bytes;
  }

  /** The buffered body as text (for error messages), or "" for a streaming body. */
  public String bodyText() {
    return buffered == null ? "" : new String(buffered, StandardCharsets.UTF_8);
  }

  /** Drops the connection without reading the rest of the body. */
  public void abort() {
    if (abort != null) {
      abort.abort();
    }
    if (stream != null) {
      try {
        stream.closeUnderlying();
      } catch (IOException | RuntimeException e) {
        // the connection is gone either way
      }
    }
  }

  @Override
  public void close() {
    if (stream == null) {
      return;
    }
    if (stream.eof) {
      try {
        stream.closeUnderlying();
      } catch (IOException e) {
        abort();
      }
    } else {
      abort();
    }
  }

  @Override
  public String toString() {
    return request + " -> " + status;
  }

  /** Notes whether the body was read to its end, so that close() knows what to do. */
  private static final class EofTrackingStream extends FilterInputStream {
    private volatile boolean eof;

    EofTrackingStream(InputStream in) {
      super(in == null ? InputStream.nullInputStream() : in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        eof = true;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n < 0) {
        eof = true;
      }
      return n;
    }

    void closeUnderlying() throws IOException {
      in.close();
    }

    @Override
    public void close() {
      // Closing is the response's decision (reuse or abort); see RegistryResponse.close().
    }
  }
}
