package dev.kiln.testdata.git;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kiln.testdata.ProcessRunner;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * Real git servers on loopback over a directory of bare repositories: {@code git daemon} for {@code
 * git://}, and smart HTTP ({@code git http-backend} run as a CGI program behind an in-process JDK
 * {@link HttpServer}) for {@code http://}. Smart HTTP, not the dumb protocol, since shallow fetches
 * ({@code --depth=1}) need it. {@link #repository} makes a bare repository with a work tree to
 * commit to and push from.
 */
public final class LocalGitServer implements AutoCloseable {
  private static final Map<String, String> GIT_ENV =
      Map.of(
          "GIT_CONFIG_NOSYSTEM", "1",
          "GIT_CONFIG_GLOBAL", "/dev/null",
          "GIT_AUTHOR_NAME", "kiln test",
          "GIT_AUTHOR_EMAIL", "test@kiln.invalid",
          "GIT_COMMITTER_NAME", "kiln test",
          "GIT_COMMITTER_EMAIL", "test@kiln.invalid");

  private final Path root;
  private final Process daemon;
  private final int daemonPort;
  private final HttpServer http;

  private LocalGitServer(Path root, Process daemon, int daemonPort, HttpServer http) {
    this.root = root;
    this.daemon = daemon;
    this.daemonPort = daemonPort;
    this.http = http;
  }

  /** Starts both servers over the bare repositories under {@code root}. */
  public static LocalGitServer start(Path root) throws IOException {
    Files.createDirectories(root);
    int port = freePort();
    Process daemon =
        new ProcessBuilder(
                "git",
                "daemon",
                "--reuseaddr",
                "--export-all",
                "--informative-errors",
                "--base-path=" + root,
                "--listen=127.0.0.1",
                "--port=" + port,
                root.toString())
            .redirectErrorStream(true)
            .redirectOutput(root.resolve("daemon.log").toFile())
            .start();
    awaitPort(port, daemon);
    HttpServer http =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.setExecutor(Executors.newCachedThreadPool());
    http.createContext("/", exchange -> cgi(root, exchange, ""));
    http.createContext(
        "/auth/",
        exchange -> {
          if (!authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
            try (exchange) {
              exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"git\"");
              exchange.sendResponseHeaders(401, -1);
            }
            return;
          }
          cgi(root, exchange, "/auth");
        });
    http.start();
    return new LocalGitServer(root, daemon, port, http);
  }

  /** {@code git://127.0.0.1:PORT/NAME.git}. */
  public String gitUrl(String name) {
    return "git://127.0.0.1:" + daemonPort + "/" + name + ".git";
  }

  /** {@code http://127.0.0.1:PORT/NAME.git} (smart HTTP). */
  public String httpUrl(String name) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + name + ".git";
  }

  /**
   * {@code http://127.0.0.1:PORT/auth/NAME.git}: smart HTTP that answers only with Basic
   * authentication, as {@link #USER}/{@link #PASSWORD} or as the user {@link #TOKEN} with an empty
   * password (how hosts take a token).
   */
  public String authHttpUrl(String name) {
    return "http://127.0.0.1:" + http.getAddress().getPort() + "/auth/" + name + ".git";
  }

  /** The user {@link #authHttpUrl} takes. */
  public static final String USER = "builder";

  /** The password {@link #authHttpUrl} takes with {@link #USER}. */
  public static final String PASSWORD = "pw-s3cret-9f2";

  /** The token {@link #authHttpUrl} takes as a user without a password. */
  public static final String TOKEN = "tok-5ecret-7d1";

  private static boolean authorized(String header) {
    if (header == null || !header.startsWith("Basic ")) {
      return false;
    }
    String pair =
        new String(
            java.util.Base64.getDecoder().decode(header.substring(6).strip()),
            StandardCharsets.UTF_8);
    return pair.equals(USER + ":" + PASSWORD) || pair.equals(TOKEN + ":");
  }

  /** The port of the HTTP server, for other handlers on it. */
  public HttpServer httpServer() {
    return http;
  }

  /** A new bare repository {@code NAME.git}, with a work tree to commit and push from. */
  public Repository repository(String name) {
    Path bare = root.resolve(name + ".git");
    Path work = root.resolve("work-" + name);
    runGit(root, "init", "-q", "--bare", "--initial-branch=main", bare.toString());
    runGit(root, "init", "-q", "--initial-branch=main", work.toString());
    runGit(work, "remote", "add", "origin", bare.toString());
    return new Repository(work);
  }

  /** A work tree whose commits are pushed to its bare repository. */
  public static final class Repository {
    private final Path work;

    Repository(Path work) {
      this.work = work;
    }

    public Path workTree() {
      return work;
    }

    /** Writes {@code files} (path → content; null deletes), commits and returns the commit. */
    public String commit(Map<String, String> files, String message) {
      try {
        for (Map.Entry<String, String> f : files.entrySet()) {
          Path p = work.resolve(f.getKey());
          if (f.getValue() == null) {
            Files.deleteIfExists(p);
          } else {
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      runGit(work, "add", "-A");
      runGit(work, "commit", "-q", "--allow-empty", "-m", message);
      return head();
    }

    /** Makes {@code path} executable in the next commit. */
    public void executable(String path) {
      try {
        Files.setPosixFilePermissions(
            work.resolve(path),
            java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      runGit(work, "update-index", "--add", "--chmod=+x", path);
    }

    public String head() {
      return runGit(work, "rev-parse", "HEAD").strip();
    }

    /** Runs git in the work tree. */
    public String git(String... args) {
      return LocalGitServer.runGit(work, args);
    }

    /** Pushes {@code refspecs} (e.g. {@code main}, {@code v1}, {@code +HEAD:main}). */
    public void push(String... refspecs) {
      List<String> args = new ArrayList<>(List.of("push", "-q", "origin"));
      args.addAll(List.of(refspecs));
      git(args.toArray(String[]::new));
    }
  }

  static String runGit(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
    command.addAll(List.of(args));
    return ProcessRunner.run(command, GIT_ENV, Duration.ofMinutes(2)).requireSuccess().stdout();
  }

  /** Serves one request by running {@code git http-backend} as a CGI program. */
  private static void cgi(Path root, HttpExchange exchange, String prefix) throws IOException {
    try (exchange) {
      ProcessBuilder pb = new ProcessBuilder("git", "http-backend");
      Map<String, String> env = pb.environment();
      env.putAll(GIT_ENV);
      env.put("GIT_PROJECT_ROOT", root.toString());
      env.put("GIT_HTTP_EXPORT_ALL", "1");
      env.put("REQUEST_METHOD", exchange.getRequestMethod());
      env.put("PATH_INFO", exchange.getRequestURI().getRawPath().substring(prefix.length()));
      String query = exchange.getRequestURI().getRawQuery();
      env.put("QUERY_STRING", query == null ? "" : query);
      env.put("REMOTE_ADDR", "127.0.0.1");
      String type = exchange.getRequestHeaders().getFirst("Content-Type");
      if (type != null) {
        env.put("CONTENT_TYPE", type);
      }
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null) {
        env.put("HTTP_CONTENT_ENCODING", encoding);
      }
      String protocol = exchange.getRequestHeaders().getFirst("Git-Protocol");
      if (protocol != null) {
        env.put("GIT_PROTOCOL", protocol);
      }
      Process process = pb.redirectError(ProcessBuilder.Redirect.DISCARD).start();
      Thread feeder =
          new Thread(
              () -> {
                try (OutputStream in = process.getOutputStream();
                    InputStream body = exchange.getRequestBody()) {
                  body.transferTo(in);
                } catch (IOException e) {
                  // The backend stopped reading; its answer says why.
                }
              });
      feeder.start();
      try (InputStream out = new BufferedInputStream(process.getInputStream())) {
        int status = 200;
        for (String line; !(line = headerLine(out)).isEmpty(); ) {
          int colon = line.indexOf(':');
          String name = line.substring(0, colon).trim();
          String value = line.substring(colon + 1).trim();
          if (name.equalsIgnoreCase("Status")) {
            status = Integer.parseInt(value.substring(0, 3));
          } else {
            exchange.getResponseHeaders().add(name, value);
          }
        }
        exchange.sendResponseHeaders(status, 0);
        try (OutputStream body = exchange.getResponseBody()) {
          out.transferTo(body);
        }
      }
      process.waitFor();
      feeder.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String headerLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }

  private static void awaitPort(int port, Process daemon) throws IOException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline) {
      if (!daemon.isAlive()) {
        throw new IOException("git daemon exited with " + daemon.exitValue());
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", ie);
        }
      }
    }
    throw new IOException("git daemon did not listen on port " + port + " within 20s");
  }

  @Override
  public void close() {
    http.stop(0);
    daemon.descendants().forEach(ProcessHandle::destroy);
    daemon.destroy();
  }
}
