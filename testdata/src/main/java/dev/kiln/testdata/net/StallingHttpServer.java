package dev.kiln.testdata.net;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on loopback that answers every GET with 200, a {@code Content-Length} it never
 * reaches, the first {@code sent} bytes of the body, and then nothing until it is closed: the
 * server a download's idle limit is for.
 */
public final class StallingHttpServer implements AutoCloseable {
  private final HttpServer http;
  private final CountDownLatch released = new CountDownLatch(1);
  private final AtomicInteger requests = new AtomicInteger();

  private StallingHttpServer(int sent) {
    try {
      http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          try (exchange) {
            exchange.sendResponseHeaders(200, sent + 1_000_000L);
            OutputStream body = exchange.getResponseBody();
            body.write(new byte[sent]);
            body.flush();
            released.await(2, TimeUnit.MINUTES);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (IOException e) {
            // The client gave up: that is what the test waits for.
          }
        });
    http.start();
  }

  /** Starts a server that sends {@code sent} bytes of each body, then stalls. */
  public static StallingHttpServer start(int sent) {
    return new StallingHttpServer(sent);
  }

  /** {@code http://127.0.0.1:PORT/PATH}. */
  public String url(String path) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + path;
  }

  /** How many requests arrived. */
  public int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    released.countDown();
    http.stop(0);
  }
}
