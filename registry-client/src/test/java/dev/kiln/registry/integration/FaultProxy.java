package dev.kiln.registry.integration;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * An HTTP/1.1 proxy on a loopback port that sits between the client and a real registry and
 * misbehaves on request: answers with an error status, resets the connection (TCP RST) or cuts the
 * body short part-way through a response, corrupts a body, sends it slowly, or resets while the
 * client is still sending a request body.
 *
 * <p>Written at the socket level (not with an HTTP library) so that a reset is a real reset and a
 * truncated body really ends early. The client's Host header is forwarded, so the registry's
 * absolute {@code Location}s point back at the proxy. Each upstream exchange uses its own
 * connection ({@code Connection: close}); the client side keeps its connection alive.
 */
final class FaultProxy implements AutoCloseable {

  /** What to do to a matching exchange. */
  sealed interface Fault {}

  /** Answer {@code status} without asking the registry (request body read and dropped). */
  record Status(int status, String retryAfter) implements Fault {}

  /** Send the response head and {@code afterBytes} of the body, then reset the connection. */
  record ResetMidBody(long afterBytes) implements Fault {}

  /** Send the response head and {@code afterBytes} of the body, then close the connection. */
  record Truncate(long afterBytes) implements Fault {}

  /** Flip one byte in the middle of the response body. */
  record Corrupt() implements Fault {}

  /** Send the response body in 16 KiB pieces with {@code pause} between them. */
  record Slow(Duration pause) implements Fault {}

  /**
   * Reset the connection after reading {@code afterBytes} of the request body; nothing is
   * forwarded.
   */
  record ResetDuringUpload(long afterBytes) implements Fault {}

  /**
   * A fault for requests with this method whose path matches, after {@code skip} matches, {@code
   * times} times.
   */
  static final class Rule {
    final String method;
    final Pattern path;
    final Fault fault;
    final AtomicInteger skip;
    final AtomicInteger times;

    Rule(String method, String pathRegex, Fault fault, int skip, int times) {
      this.method = method;
      this.path = Pattern.compile(pathRegex);
      this.fault = fault;
      this.skip = new AtomicInteger(skip);
      this.times = new AtomicInteger(times);
    }
  }

  private final InetSocketAddress upstream;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool();
  private final List<Rule> rules = new CopyOnWriteArrayList<>();

  /** "METHOD path -> status" or "... -> fault", in order. */
  final List<String> log = new CopyOnWriteArrayList<>();

  FaultProxy(String upstreamHostPort) throws IOException {
    int colon = upstreamHostPort.lastIndexOf(':');
    upstream =
        new InetSocketAddress(
            upstreamHostPort.substring(0, colon),
            Integer.parseInt(upstreamHostPort.substring(colon + 1)));
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    threads.submit(this::acceptLoop);
  }

  String hostPort() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** Adds a fault for the next {@code times} matching requests (after skipping {@code skip}). */
  FaultProxy inject(String method, String pathRegex, Fault fault, int skip, int times) {
    rules.add(new Rule(method, pathRegex, fault, skip, times));
    return this;
  }

  FaultProxy inject(String method, String pathRegex, Fault fault) {
    return inject(method, pathRegex, fault, 0, 1);
  }

  void clear() {
    rules.clear();
  }

  long count(String method, String pathPart) {
    return log.stream().filter(l -> l.startsWith(method + " ") && l.contains(pathPart)).count();
  }

  private Fault faultFor(String method, String path) {
    for (Rule r : rules) {
      if (r.method.equals(method) && r.path.matcher(path).find()) {
        if (r.skip.getAndDecrement() > 0) {
          continue;
        }
        if (r.times.getAndDecrement() > 0) {
          return r.fault;
        }
      }
    }
    return null;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        threads.submit(() -> serve(client));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      in.mark(1);
      int first = in.read();
      if (first == 0x16) {
        // A TLS ClientHello on this plain-HTTP port: answer as Go's net/http does, so that an
        // HTTPS probe fails at once instead of waiting for a read timeout.
        out.write("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return;
      }
      in.reset();
      while (true) {
        Head request = Head.read(in);
        if (request == null) {
          return;
        }
        String[] line = request.firstLine.split(" ");
        String method = line[0];
        String target = line[1];
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        Fault fault = faultFor(method, path);
        if (fault instanceof ResetDuringUpload r) {
          log.add(method + " " + path + " -> reset during upload");
          copyBody(in, null, request, r.afterBytes());
          reset(client);
          return;
        }
        if (fault instanceof Status s) {
          copyBody(in, null, request, -1);
          log.add(method + " " + path + " -> injected " + s.status());
          byte[] body =
              ("{\"errors\":[{\"code\":\"INJECTED\",\"message\":\"fault injected by test proxy\"}]}")
                  .getBytes(StandardCharsets.UTF_8);
          StringBuilder head =
              new StringBuilder("HTTP/1.1 " + s.status() + " Injected\r\n")
                  .append("Content-Type: application/json\r\n")
                  .append("Content-Length: ")
                  .append(method.equals("HEAD") ? 0 : body.length)
                  .append("\r\n");
          if (s.retryAfter() != null) {
            head.append("Retry-After: ").append(s.retryAfter()).append("\r\n");
          }
          out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
          if (!method.equals("HEAD")) {
            out.write(body);
          }
          out.flush();
          continue;
        }
        try (Socket up = new Socket()) {
          up.connect(upstream, 5000);
          InputStream upIn = new BufferedInputStream(up.getInputStream());
          OutputStream upOut = up.getOutputStream();
          upOut.write(request.withConnectionClose().getBytes(StandardCharsets.ISO_8859_1));
          copyBody(in, upOut, request, -1);
          upOut.flush();
          Head response = Head.read(upIn);
          if (response == null) {
            return;
          }
          int status = Integer.parseInt(response.firstLine.split(" ")[1]);
          log.add(method + " " + path + " -> " + status + (fault == null ? "" : " with " + fault));
          boolean keepAlive = true;
          // The client keeps its connection; the upstream one closes after this exchange.
          out.write(response.raw().getBytes(StandardCharsets.ISO_8859_1));
          if (method.equals("HEAD") || status == 204 || status == 304 || status < 200) {
            out.flush();
            continue;
          }
          keepAlive = relayBody(upIn, out, response, fault, client);
          if (!keepAlive) {
            return;
          }
        }
      }
    } catch (IOException e) {
      // the client or registry went away; nothing to clean up beyond the sockets
    }
  }

  /** Relays a response body, applying the fault. Returns false if the client connection is done. */
  private boolean relayBody(
      InputStream upIn, OutputStream out, Head response, Fault fault, Socket client)
      throws IOException {
    long length = response.contentLength();
    boolean chunked = response.isChunked();
    if (!chunked && length < 0) {
      // close-delimited: relay to the end and close
      upIn.transferTo(out);
      out.flush();
      return false;
    }
    // Read the whole body (test blobs are small) so that faults can act on body bytes.
    byte[] body = chunked ? readChunked(upIn) : upIn.readNBytes((int) length);
    if (fault instanceof Corrupt && body.length > 0) {
      body = body.clone();
      body[body.length / 2] ^= 0x5a;
    }
    long limit = body.length;
    if (fault instanceof ResetMidBody r) {
      limit = Math.min(r.afterBytes(), body.length);
    } else if (fault instanceof Truncate t) {
      limit = Math.min(t.afterBytes(), body.length);
    }
    if (chunked) {
      // Re-frame as one chunk per piece; the client sees a chunked body either way.
      writeChunks(out, body, (int) limit, fault, limit == body.length);
    } else {
      writePieces(out, body, (int) limit, fault);
    }
    out.flush();
    if (fault instanceof ResetMidBody) {
      reset(client);
      return false;
    }
    if (fault instanceof Truncate) {
      client.shutdownOutput();
      return false;
    }
    return true;
  }

  private static void writePieces(OutputStream out, byte[] body, int limit, Fault fault)
      throws IOException {
    int piece = 16 * 1024;
    for (int off = 0; off < limit; off += piece) {
      out.write(body, off, Math.min(piece, limit - off));
      if (fault instanceof Slow s) {
        out.flush();
        sleep(s.pause());
      }
    }
  }

  private static void writeChunks(
      OutputStream out, byte[] body, int limit, Fault fault, boolean complete) throws IOException {
    int piece = 16 * 1024;
    for (int off = 0; off < limit; off += piece) {
      int n = Math.min(piece, limit - off);
      out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, off, n);
      out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      if (fault instanceof Slow s) {
        out.flush();
        sleep(s.pause());
      }
    }
    if (complete) {
      out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static byte[] readChunked(InputStream in) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(in);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        while (!readLine(in).isEmpty()) {
          // trailers
        }
        return body.toByteArray();
      }
      body.write(in.readNBytes(size));
      readLine(in);
    }
  }

  /**
   * Copies a request body (Content-Length or chunked, framing included) to {@code to} (null:
   * discard), stopping after {@code stopAfter} body bytes if non-negative.
   */
  private static void copyBody(InputStream in, OutputStream to, Head request, long stopAfter)
      throws IOException {
    if (request.isChunked()) {
      long seen = 0;
      while (true) {
        String sizeLine = readLine(in);
        if (to != null) {
          to.write((sizeLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        int semi = sizeLine.indexOf(';');
        int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
        if (size == 0) {
          String trailer;
          do {
            trailer = readLine(in);
            if (to != null) {
              to.write((trailer + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
          } while (!trailer.isEmpty());
          return;
        }
        byte[] chunk = in.readNBytes(size);
        seen += chunk.length;
        if (stopAfter >= 0 && seen >= stopAfter) {
          return;
        }
        if (to != null) {
          to.write(chunk);
          to.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        readLine(in);
      }
    }
    long length = Math.max(0, request.contentLength());
    long toCopy = stopAfter >= 0 ? Math.min(stopAfter, length) : length;
    byte[] buf = new byte[8192];
    long copied = 0;
    while (copied < toCopy) {
      int n = in.read(buf, 0, (int) Math.min(buf.length, toCopy - copied));
      if (n < 0) {
        throw new IOException("request body ended early");
      }
      if (to != null) {
        to.write(buf, 0, n);
      }
      copied += n;
    }
  }

  private static void reset(Socket s) throws IOException {
    s.setSoLinger(true, 0);
    s.close();
  }

  static String readLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
    if (line.length() == 0) {
      throw new java.io.EOFException();
    }
    return line.toString();
  }

  /** A request or response head: first line and header lines. */
  record Head(String firstLine, List<String> headers) {
    static Head read(InputStream in) throws IOException {
      String first;
      try {
        first = readLine(in);
      } catch (java.io.EOFException e) {
        return null;
      }
      List<String> headers = new ArrayList<>();
      String line;
      while (!(line = readLine(in)).isEmpty()) {
        headers.add(line);
      }
      return new Head(first, headers);
    }

    String header(String name) {
      for (String h : headers) {
        int colon = h.indexOf(':');
        if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return h.substring(colon + 1).trim();
        }
      }
      return null;
    }

    long contentLength() {
      String v = header("Content-Length");
      return v == null ? -1 : Long.parseLong(v);
    }

    boolean isChunked() {
      String v = header("Transfer-Encoding");
      return v != null && v.toLowerCase(Locale.ROOT).contains("chunked");
    }

    String raw() {
      StringBuilder s = new StringBuilder(firstLine).append("\r\n");
      for (String h : headers) {
        String name = h.substring(0, Math.max(0, h.indexOf(':'))).trim();
        if (name.equalsIgnoreCase("Connection")) {
          continue;
        }
        s.append(h).append("\r\n");
      }
      return s.append("\r\n").toString();
    }

    String withConnectionClose() {
      StringBuilder s = new StringBuilder(firstLine).append("\r\n");
      for (String h : headers) {
        String name = h.substring(0, Math.max(0, h.indexOf(':'))).trim();
        if (name.equalsIgnoreCase("Connection")) {
          continue;
        }
        s.append(h).append("\r\n");
      }
      return s.append("Connection: close\r\n\r\n").toString();
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    threads.shutdownNow();
  }
}
