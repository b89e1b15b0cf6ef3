package dev.kiln.core.engine;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/**
 * The SSH agent socket one {@code RUN --mount=type=ssh} binds: a socket of kiln's own, owned by the
 * mount's {@code uid}/{@code gid} with its {@code mode} (BuildKit's defaults: root, 0600), that
 * passes each request of the step to the real agent (the user's, or the one {@link SshKeyAgent}
 * runs for a key file). As BuildKit does, the step may list keys and ask for signatures but not
 * add, remove or lock keys, nor use extensions: those requests are answered with a failure and
 * never reach the agent, so a Dockerfile cannot change the user's agent.
 */
final class SshAgentProxy implements AutoCloseable {
  /** OpenSSH's own bound on one agent message. */
  private static final int MAX_MESSAGE = 256 * 1024;

  private static final byte REQUEST_IDENTITIES = 11;
  private static final byte SIGN_REQUEST = 13;
  private static final byte FAILURE = 5;

  private final ServerSocketChannel server;
  private final Path socket;
  private final Path upstream;
  private final Set<SocketChannel> open = Collections.synchronizedSet(new HashSet<>());

  private SshAgentProxy(ServerSocketChannel server, Path socket, Path upstream) {
    this.server = server;
    this.socket = socket;
    this.upstream = upstream;
  }

  /**
   * Listens at {@code socket} (which must not exist) for the agent at {@code upstream}; the socket
   * is given {@code uid}/{@code gid} when kiln is root (without root every file kiln makes is its
   * own, which a rootless step sees as root's) and {@code mode}.
   */
  static SshAgentProxy start(
      Path upstream, Path socket, long uid, long gid, int mode, boolean giveAway)
      throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      server.bind(UnixDomainSocketAddress.of(socket));
      // chmod(2) by name: opening a socket to change it (what NOFOLLOW_LINKS does) fails.
      Files.setAttribute(socket, "unix:mode", mode);
      if (giveAway) {
        Files.setAttribute(socket, "unix:uid", (int) uid);
        Files.setAttribute(socket, "unix:gid", (int) gid);
      }
    } catch (IOException | RuntimeException e) {
      server.close();
      Files.deleteIfExists(socket);
      throw e;
    }
    SshAgentProxy proxy = new SshAgentProxy(server, socket, upstream);
    Thread acceptor = new Thread(proxy::accept, "kiln-ssh-agent-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
    return proxy;
  }

  /** The socket to bind into the step. */
  Path socket() {
    return socket;
  }

  private void accept() {
    while (server.isOpen()) {
      SocketChannel client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed: the step is over
      }
      open.add(client);
      Thread serving = new Thread(() -> serve(client), "kiln-ssh-agent-connection");
      serving.setDaemon(true);
      serving.start();
    }
  }

  /** One connection of the step: requests in turn, each answered before the next is read. */
  private void serve(SocketChannel client) {
    try (client;
        SocketChannel agent = SocketChannel.open(UnixDomainSocketAddress.of(upstream))) {
      open.add(agent);
      while (true) {
        ByteBuffer request = readMessage(client);
        if (request == null) {
          return;
        }
        byte type = request.get(4);
        if (type == REQUEST_IDENTITIES || type == SIGN_REQUEST) {
          writeFully(agent, request);
          ByteBuffer answer = readMessage(agent);
          if (answer == null) {
            return;
          }
          writeFully(client, answer);
        } else {
          writeFully(client, ByteBuffer.wrap(new byte[] {0, 0, 0, 1, FAILURE}));
        }
      }
    } catch (IOException e) {
      // The step or the agent hung up: so does this connection.
    } finally {
      open.remove(client);
    }
  }

  /** One length-prefixed message, prefix included, ready to write; null at end of stream. */
  private static ByteBuffer readMessage(SocketChannel from) throws IOException {
    ByteBuffer length = ByteBuffer.allocate(4);
    if (!readFully(from, length)) {
      return null;
    }
    int size = length.getInt(0);
    if (size < 1 || size > MAX_MESSAGE) {
      throw new IOException("an SSH agent message of " + size + " bytes");
    }
    ByteBuffer message = ByteBuffer.allocate(4 + size);
    message.putInt(size);
    if (!readFully(from, message)) {
      return null;
    }
    return message.flip();
  }

  private static boolean readFully(SocketChannel from, ByteBuffer into) throws IOException {
    while (into.hasRemaining()) {
      if (from.read(into) < 0) {
        return false;
      }
    }
    return true;
  }

  private static void writeFully(SocketChannel to, ByteBuffer data) throws IOException {
    while (data.hasRemaining()) {
      to.write(data);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    synchronized (open) {
      for (SocketChannel channel : open) {
        channel.close();
      }
    }
    Files.deleteIfExists(socket);
  }
}
