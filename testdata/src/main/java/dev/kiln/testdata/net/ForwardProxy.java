package dev.kiln.testdata.net;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An HTTP forward proxy on a loopback port, as a JUnit 5 extension, that records every request it
 * is asked to carry: {@code CONNECT host:port} tunnels (HTTPS) and absolute-form requests ({@code
 * GET http://host:port/path}, plain HTTP). It resolves target names with the system resolver, or
 * with names given to {@link #resolving}, so a test can reach a loopback server under a name that
 * is not {@code localhost}.
 *
 * <p>With {@link #requiringCredentials} it answers {@code 407} to requests without the right {@code
 * Proxy-Authorization: Basic} header, and records those too (their {@link Request#authorized()} is
 * false).
 *
 * <p>Written at the socket level: each client connection carries one request (absolute-form
 * requests are forwarded with {@code Connection: close}, and the connection is closed after the
 * response), or one tunnel.
 */
public final class ForwardProxy implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  /** One request the proxy was asked to carry. */
  public record Request(String method, String target, boolean authorized) {
    /** {@code host:port} of the target, for both kinds of request. */
    public String authority() {
      if (method.equals("CONNECT")) {
        return target;
      }
      URI uri = URI.create(target);
      int port = uri.getPort() >= 0 ? uri.getPort() : 80;
      return uri.getHost() + ":" + port;
    }
  }

  private final Map<String, InetAddress> names = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final String requiredAuthorization;
  private ServerSocket server;
  private ExecutorService threads;

  private ForwardProxy(String requiredAuthorization) {
    this.requiredAuthorization = requiredAuthorization;
  }

  /** A proxy that carries anything for anyone. */
  public static ForwardProxy open() {
    return new ForwardProxy(null);
  }

  /** A proxy that asks for {@code username}/{@code password} with Basic authentication. */
  public static ForwardProxy requiringCredentials(String username, String password) {
    String token =
        Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    return new ForwardProxy("Basic " + token);
  }

  /** Connects requests for {@code name} to {@code address} instead of asking the resolver. */
  public ForwardProxy resolving(String name, InetAddress address) {
    names.put(name.toLowerCase(Locale.ROOT), address);
    return this;
  }

  /** {@code http://127.0.0.1:PORT}, a value for {@code HTTPS_PROXY}/{@code HTTP_PROXY}. */
  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    if (server == null) {
      throw new IllegalStateException(
          "the proxy is not running: register it with @RegisterExtension");
    }
    return server.getLocalPort();
  }

  /** Every request so far, in arrival order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests so far whose target is {@code authority} ({@code host:port}). */
  public List<Request> requestsTo(String authority) {
    String wanted = authority.toLowerCase(Locale.ROOT);
    List<Request> out = new ArrayList<>();
    for (Request r : requests) {
      if (r.authority().toLowerCase(Locale.ROOT).equals(wanted)) {
        out.add(r);
      }
    }
    return out;
  }

  /** Forgets the requests recorded so far. */
  public void clear() {
    requests.clear();
  }

  public synchronized void start() {
    if (server != null) {
      return;
    }
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the test proxy's port", e);
    }
    threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "test-proxy");
              t.setDaemon(true);
              return t;
            });
    threads.execute(this::acceptLoop);
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        // closing anyway
      }
      threads.shutdownNow();
      server = null;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return;
      }
      threads.execute(() -> serve(client));
    }
  }

  private void serve(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      OutputStream out = client.getOutputStream();
      String head = readHead(in);
      if (head == null) {
        return;
      }
      String[] lines = head.split("\r\n");
      String[] requestLine = lines[0].split(" ");
      if (requestLine.length != 3) {
        respond(out, "400 Bad Request", "");
        return;
      }
      String method = requestLine[0];
      String target = requestLine[1];
      String authorization = header(lines, "Proxy-Authorization");
      boolean authorized =
          requiredAuthorization == null || requiredAuthorization.equals(authorization);
      requests.add(new Request(method, target, authorized));
      if (!authorized) {
        respond(
            out,
            "407 Proxy Authentication Required",
            "Proxy-Authenticate: Basic realm=\"kiln-test-proxy\"\r\n");
        return;
      }
      if (method.equals("CONNECT")) {
        tunnel(client, in, out, target);
      } else {
        forward(in, out, method, URI.create(target), lines, requestLine[2]);
      }
    } catch (IOException e) {
      // A client or server that hangs up ends the exchange.
    }
  }

  private void tunnel(Socket client, InputStream in, OutputStream out, String authority)
      throws IOException {
    int colon = authority.lastIndexOf(':');
    Socket upstream;
    try {
      upstream =
          connect(authority.substring(0, colon), Integer.parseInt(authority.substring(colon + 1)));
    } catch (IOException e) {
      respond(out, "502 Bad Gateway", "");
      return;
    }
    try (upstream) {
      out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      Thread back =
          new Thread(
              () -> {
                try {
                  upstream.getInputStream().transferTo(out);
                } catch (IOException e) {
                  // one side closed
                } finally {
                  try {
                    client.shutdownOutput();
                  } catch (IOException e) {
                    // already closed
                  }
                }
              },
              "test-proxy-tunnel");
      back.setDaemon(true);
      back.start();
      try {
        in.transferTo(upstream.getOutputStream());
        upstream.shutdownOutput();
      } catch (SocketException e) {
        // one side closed
      }
      back.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void forward(
      InputStream in, OutputStream out, String method, URI target, String[] lines, String version)
      throws IOException {
    int port = target.getPort() >= 0 ? target.getPort() : 80;
    Socket upstream;
    try {
      upstream = connect(target.getHost(), port);
    } catch (IOException e) {
      respond(out, "502 Bad Gateway", "");
      return;
    }
    try (upstream) {
      StringBuilder head = new StringBuilder();
      String path =
          target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
      if (target.getRawQuery() != null) {
        path += "?" + target.getRawQuery();
      }
      head.append(method).append(' ').append(path).append(' ').append(version).append("\r\n");
      long length = 0;
      for (int i = 1; i < lines.length; i++) {
        String name = lines[i].substring(0, Math.max(0, lines[i].indexOf(':'))).trim();
        if (name.equalsIgnoreCase("Proxy-Authorization")
            || name.equalsIgnoreCase("Proxy-Connection")
            || name.equalsIgnoreCase("Connection")) {
          continue;
        }
        if (name.equalsIgnoreCase("Content-Length")) {
          length = Long.parseLong(lines[i].substring(lines[i].indexOf(':') + 1).trim());
        }
        head.append(lines[i]).append("\r\n");
      }
      head.append("Connection: close\r\n\r\n");
      OutputStream up = upstream.getOutputStream();
      up.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      copy(in, up, length);
      up.flush();
      // The client must not reuse this connection: say so, whatever the server said.
      InputStream down = upstream.getInputStream();
      String response = readHead(down);
      if (response == null) {
        respond(out, "502 Bad Gateway", "");
        return;
      }
      StringBuilder rewritten = new StringBuilder();
      for (String line : response.split("\r\n")) {
        if (!line.regionMatches(true, 0, "Connection:", 0, "Connection:".length())) {
          rewritten.append(line).append("\r\n");
        }
      }
      rewritten.append("Connection: close\r\n\r\n");
      out.write(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
      down.transferTo(out);
      out.flush();
    }
  }

  private Socket connect(String host, int port) throws IOException {
    InetAddress address = names.get(host.toLowerCase(Locale.ROOT));
    if (address == null) {
      address = InetAddress.getByName(host);
    }
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress(address, port), 5_000);
    return socket;
  }

  private static void copy(InputStream in, OutputStream out, long length) throws IOException {
    byte[] buffer = new byte[16 * 1024];
    long left = length;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        throw new IOException("the client's request body ended early");
      }
      out.write(buffer, 0, n);
      left -= n;
    }
  }

  private static void respond(OutputStream out, String status, String headers) throws IOException {
    out.write(
        ("HTTP/1.1 " + status + "\r\n" + headers + "Content-Length: 0\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static String header(String[] lines, String name) {
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0 && lines[i].substring(0, colon).trim().equalsIgnoreCase(name)) {
        return lines[i].substring(colon + 1).trim();
      }
    }
    return null;
  }

  /** The request head up to the blank line, or null if the client closed first. */
  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int state = 0;
    while (state < 4) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      head.write(b);
      state =
          switch (state) {
            case 0, 2 -> b == '\r' ? state + 1 : 0;
            case 1, 3 -> b == '\n' ? state + 1 : (b == '\r' ? 1 : 0);
            default -> 0;
          };
      if (head.size() > 64 * 1024) {
        throw new IOException("request head too long");
      }
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    return text.substring(0, text.length() - 4);
  }
}
