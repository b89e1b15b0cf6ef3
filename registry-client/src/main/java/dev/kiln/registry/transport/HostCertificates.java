package dev.kiln.registry.transport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The certificates for one registry host, as Docker's {@code certs.d/<host[:port]>/} directory lays
 * them out: every {@code *.crt} holds CA certificates trusted for that host (in addition to the
 * system's), and every {@code NAME.cert} is a client certificate whose private key is {@code
 * NAME.key} beside it. A certificate without its key, or a key without its certificate, is an error
 * naming both files, as in Docker and podman.
 *
 * @param authorities CA certificates to trust for the host beyond the JDK's
 * @param clients client certificates to offer when the registry asks for one
 * @param directory the {@code certs.d} directory they were read from, if any
 */
public record HostCertificates(
    List<X509Certificate> authorities, List<ClientIdentity> clients, Optional<Path> directory) {

  /** A client certificate chain and its key. */
  public record ClientIdentity(PrivateKey key, List<X509Certificate> chain, Path certificate) {
    public ClientIdentity {
      chain = List.copyOf(chain);
    }
  }

  public HostCertificates {
    authorities = List.copyOf(authorities);
    clients = List.copyOf(clients);
  }

  public static final HostCertificates NONE =
      new HostCertificates(List.of(), List.of(), Optional.empty());

  /** Reads one host's {@code certs.d} directory (files in name order). */
  public static HostCertificates read(Path dir) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path file : files) {
        names.add(file.getFileName().toString());
      }
    }
    List<X509Certificate> authorities = new ArrayList<>();
    List<ClientIdentity> clients = new ArrayList<>();
    for (String name : names) {
      Path file = dir.resolve(name);
      if (name.endsWith(".crt")) {
        authorities.addAll(RegistrySecurity.readPem(file));
      } else if (name.endsWith(".cert")) {
        String key = name.substring(0, name.length() - ".cert".length()) + ".key";
        if (!names.contains(key)) {
          throw new IOException(
              "the client certificate "
                  + file
                  + " has no key: put its private key in "
                  + dir.resolve(key));
        }
        List<X509Certificate> chain = RegistrySecurity.readPem(file);
        if (chain.isEmpty()) {
          throw new IOException(file + " holds no certificate");
        }
        clients.add(new ClientIdentity(PemKeys.read(dir.resolve(key)), chain, file));
      } else if (name.endsWith(".key")) {
        String cert = name.substring(0, name.length() - ".key".length()) + ".cert";
        if (!names.contains(cert)) {
          throw new IOException(
              "the key "
                  + file
                  + " has no client certificate: put it in "
                  + dir.resolve(cert)
                  + " (CA certificates end in .crt)");
        }
      }
    }
    return new HostCertificates(authorities, clients, Optional.of(dir));
  }

  /** These certificates with {@code more} CA certificates trusted too. */
  public HostCertificates withAuthorities(List<X509Certificate> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<X509Certificate> all = new ArrayList<>(more);
    all.addAll(authorities);
    return new HostCertificates(all, clients, directory);
  }
}
