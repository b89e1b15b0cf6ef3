package dev.kiln.testdata.registry;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway certificate authority for tests: a self-signed CA that issues TLS server certificates
 * for 127.0.0.1/localhost and token-signing certificates. Nothing here is fit for production; keys
 * live only as long as the test JVM.
 */
final class CertificateAuthority {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final String name;
  private final KeyPair keyPair;
  private final X509Certificate certificate;

  private CertificateAuthority(String name, KeyPair keyPair, X509Certificate certificate) {
    this.name = name;
    this.keyPair = keyPair;
    this.certificate = certificate;
  }

  /** A certificate and its key, issued by this CA. */
  record Issued(KeyPair keyPair, X509Certificate certificate) {}

  static CertificateAuthority create(String commonName) {
    KeyPair keys = newRsaKeyPair();
    X500Name subject = new X500Name("CN=" + commonName);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  subject, serial(), notBefore(), notAfter(), subject, keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
              .addExtension(
                  Extension.keyUsage,
                  true,
                  new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature))
              .addExtension(
                  Extension.subjectKeyIdentifier,
                  false,
                  ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateAuthority(commonName, keys, sign(builder, keys));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot create test CA", e);
    }
  }

  /** A server certificate valid for {@code 127.0.0.1} and {@code localhost}. */
  Issued issueServerCertificate() {
    return issueServerCertificate("127.0.0.1");
  }

  /** A server certificate valid for {@code 127.0.0.1}, {@code localhost} and {@code hostName}. */
  Issued issueServerCertificate(String hostName) {
    List<GeneralName> names = new ArrayList<>();
    names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
    names.add(new GeneralName(GeneralName.dNSName, "localhost"));
    if (!hostName.equals("127.0.0.1") && !hostName.equals("localhost")) {
      names.add(
          new GeneralName(
              hostName.matches("[0-9.]+") ? GeneralName.iPAddress : GeneralName.dNSName, hostName));
    }
    return issue(
        hostName,
        new GeneralNames(names.toArray(new GeneralName[0])),
        KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
        null);
  }

  /** A TLS client certificate (extended key usage clientAuth). */
  Issued issueClientCertificate(String commonName) {
    return issue(
        commonName,
        null,
        KeyUsage.digitalSignature | KeyUsage.keyEncipherment,
        new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
  }

  /** A certificate whose key signs bearer tokens (JWTs). */
  Issued issueSigningCertificate(String commonName) {
    return issue(commonName, null, KeyUsage.digitalSignature, null);
  }

  private Issued issue(
      String commonName, GeneralNames altNames, int keyUsage, ExtendedKeyUsage extendedUsage) {
    KeyPair keys = newRsaKeyPair();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
                  certificate,
                  serial(),
                  notBefore(),
                  notAfter(),
                  new X500Name("CN=" + commonName),
                  keys.getPublic())
              .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
              .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage))
              .addExtension(
                  Extension.authorityKeyIdentifier,
                  false,
                  ext.createAuthorityKeyIdentifier(certificate));
      if (altNames != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, altNames);
      }
      if (extendedUsage != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, extendedUsage);
      }
      return new Issued(keys, sign(builder, keyPair));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot issue test certificate for " + commonName, e);
    }
  }

  X509Certificate certificate() {
    return certificate;
  }

  /** An SSL context that trusts this CA and nothing else. */
  SSLContext sslContext() {
    return sslContext(null);
  }

  /** An SSL context that trusts this CA and nothing else, presenting {@code client} if not null. */
  SSLContext sslContext(Issued client) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry(name, certificate);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      KeyManager[] keyManagers = null;
      if (client != null) {
        KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
        keys.load(null, null);
        keys.setKeyEntry(
            "client",
            client.keyPair().getPrivate(),
            new char[0],
            new java.security.cert.Certificate[] {client.certificate()});
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        keyManagers = kmf.getKeyManagers();
      }
      context.init(keyManagers, tmf.getTrustManagers(), RANDOM);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build SSL context for test CA", e);
    }
  }

  static void writePem(Path file, Object... objects) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(text)) {
      for (Object object : objects) {
        pem.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer)
      throws GeneralSecurityException {
    try {
      return new JcaX509CertificateConverter()
          .getCertificate(
              builder.build(
                  new JcaContentSignerBuilder("SHA256withRSA").build(signer.getPrivate())));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static KeyPair newRsaKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, RANDOM);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static BigInteger serial() {
    return new BigInteger(64, RANDOM).add(BigInteger.ONE);
  }

  private static Date notBefore() {
    return Date.from(Instant.now().minus(Duration.ofHours(1)));
  }

  private static Date notAfter() {
    return Date.from(Instant.now().plus(Duration.ofDays(2)));
  }
}
