package dev.kiln.api.sign;

import dev.kiln.api.build.BuildFailure;
import dev.kiln.core.sign.SignatureImage;
import dev.kiln.core.sign.SimpleSigningPayload;
import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.ImageToPush;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RemoteManifest;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.model.MediaType;
import dev.kiln.registry.reference.ImageReference;
import dev.kiln.registry.reference.InvalidReferenceException;
import dev.kiln.registry.transport.NotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signs images in a registry and verifies their signatures, in cosign's format, so that {@code
 * cosign verify}, and containers/image's {@code sigstoreSigned} policy (skopeo, podman, CRI-O),
 * accept what kiln signs, and kiln accepts what they sign.
 *
 * <p>A signature is kept where cosign keeps it: as a layer of the image tagged {@code
 * sha256-<hex>.sig} in the signed image's repository ({@link SignatureImage}); signing adds a layer
 * to what is there. Where the registry serves the OCI 1.1 referrers API it also goes into a
 * referrer manifest whose {@code subject} is the image. Docker's registry 2.8 (Debian 12's) has no
 * such API: it answers 404, and the tag is then the only place, which every cosign version reads.
 */
public final class ImageSignatures {
  /** Larger payloads are not signatures (cosign's payloads are a few hundred bytes). */
  private static final long MAX_PAYLOAD = 1 << 20;

  private final RegistryClient client;

  public ImageSignatures(RegistryClient client) {
    this.client = client;
  }

  /**
   * Signs the image {@code reference} names (a tag is resolved to the digest it points at now;
   * signing by digest avoids a race with someone moving the tag).
   */
  public SignedImage sign(ImageReference reference, Signer signer) throws IOException {
    Descriptor image =
        client
            .head(reference)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "signing " + reference,
                        "HEAD",
                        reference.name(),
                        List.of(),
                        null,
                        "no manifest with that tag or digest exists; push the image first"));
    return sign(reference.repositoryOnly(), image, signer);
  }

  /** Signs the manifest {@code image} of {@code repository} (a build signs what it pushed). */
  public SignedImage sign(ImageReference repository, Descriptor image, Signer signer)
      throws IOException {
    ImageReference repo = repository.repositoryOnly();
    byte[] payload = new SimpleSigningPayload(repo.name(), image.digest(), Map.of()).bytes();
    PayloadSignature signature = signer.sign(payload);
    Map<String, String> annotations = new LinkedHashMap<>(signature.annotations());
    annotations.put(
        SignatureImage.SIGNATURE_ANNOTATION,
        Base64.getEncoder().encodeToString(signature.signature()));
    Descriptor layer =
        Descriptor.of(SignatureImage.PAYLOAD_MEDIA_TYPE, Digest.sha256(payload), payload.length)
            .withAnnotations(annotations);
    BlobToPush payloadBlob = BlobToPush.of(layer, BlobContent.ofBytes(payload));

    ImageReference tag = repo.withTag(SignatureImage.tagFor(image.digest()));
    Optional<ImageManifest> existing = signatureManifest(tag);
    SignatureImage signatures =
        existing.map(SignatureImage::of).orElse(new SignatureImage(List.of())).with(layer);
    client.pushImage(
        tag,
        toPush(repo, signatures.manifest(), signatures.config(), List.of(payloadBlob)),
        List.of());

    Optional<Digest> referrer = Optional.empty();
    if (client.supportsReferrers(repo, image.digest())) {
      SignatureImage one = new SignatureImage(List.of(layer));
      ImageManifest manifest = one.referrer(image);
      client.pushImage(repo, toPush(repo, manifest, one.config(), List.of(payloadBlob)), List.of());
      referrer = Optional.of(manifest.digest());
    }
    return new SignedImage(repo.withDigest(image.digest()), tag, referrer);
  }

  /** The manifest, its config and layers; only the {@code fresh} layers' bytes are new. */
  ImageToPush toPush(
      ImageReference repo,
      ImageManifest manifest,
      dev.kiln.registry.model.JsonBytes config,
      List<BlobToPush> fresh) {
    Map<Digest, BlobToPush> byDigest = new LinkedHashMap<>();
    fresh.forEach(b -> byDigest.put(b.descriptor().digest(), b));
    List<BlobToPush> blobs = new ArrayList<>();
    blobs.add(BlobToPush.of(manifest.config(), BlobContent.ofBytes(config.toByteArray())));
    for (Descriptor l : manifest.layers()) {
      // Earlier layers are in the repository already: the push finds them with a HEAD.
      BlobToPush known = byDigest.get(l.digest());
      blobs.add(known != null ? known : BlobToPush.of(l, client.blobContent(repo, l)));
    }
    return new ImageToPush(manifest, blobs);
  }

  /** The signature image at {@code tag}, if there is one kiln can read. */
  Optional<ImageManifest> signatureManifest(ImageReference tag) throws IOException {
    try {
      RemoteManifest m = client.fetchManifest(tag);
      if (m.isIndex() || !MediaType.OCI_MANIFEST.equals(m.manifest().mediaType())) {
        throw new IOException(
            tag + " is a " + m.manifest().mediaType() + ", not the OCI manifest cosign writes");
      }
      return Optional.of(m.imageManifest());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The signatures of the image {@code reference} names that {@code verifier} trusts and that sign
   * this image's digest for this repository.
   *
   * @throws BuildFailure of kind {@link BuildFailure.Kind#VERIFICATION} when there is none, listing
   *     what was found and why each was refused
   */
  public List<VerifiedSignature> verify(ImageReference reference, Verifier verifier)
      throws IOException, BuildFailure {
    ImageReference repo = reference.repositoryOnly();
    Digest digest =
        reference.digest() != null ? reference.digest() : client.resolveDigest(reference);
    ImageReference tag = repo.withTag(SignatureImage.tagFor(digest));
    List<Descriptor> layers = new ArrayList<>();
    signatureManifest(tag).ifPresent(m -> layers.addAll(m.layers()));
    if (client.supportsReferrers(repo, digest)) {
      for (Descriptor d : client.referrers(repo, digest, SignatureImage.ARTIFACT_TYPE)) {
        RemoteManifest m = client.fetchManifest(repo.withDigest(d.digest()));
        if (!m.isIndex()) {
          layers.addAll(m.imageManifest().layers());
        }
      }
    }
    List<VerifiedSignature> verified = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Descriptor layer : layers) {
      Optional<String> why = check(repo, digest, layer, verifier, verified);
      why.ifPresent(w -> refused.add(layer.digest().shortHex() + ": " + w));
    }
    if (!verified.isEmpty()) {
      return verified;
    }
    String where = repo.withDigest(digest).toString();
    if (layers.isEmpty()) {
      throw new BuildFailure(
          BuildFailure.Kind.VERIFICATION,
          "no signature for " + where + " (nothing at " + tag + ")",
          null,
          "sign it with kiln sign --key KEY " + reference + ", or build with --sign key=KEY",
          null);
    }
    throw new BuildFailure(
        BuildFailure.Kind.VERIFICATION,
        "no signature of " + where + " is trusted by " + verifier.describe(),
        String.join("\n", refused),
        "check that the image was signed with the private half of this key, and that it was not"
            + " changed after signing",
        null);
  }

  /** Empty when {@code layer} is a trusted signature of {@code digest}; else why not. */
  private Optional<String> check(
      ImageReference repo,
      Digest digest,
      Descriptor layer,
      Verifier verifier,
      List<VerifiedSignature> verified)
      throws IOException {
    if (!SignatureImage.PAYLOAD_MEDIA_TYPE.equals(layer.mediaType())) {
      return Optional.of("a " + layer.mediaType() + ", not a signature");
    }
    String encoded = layer.annotations().get(SignatureImage.SIGNATURE_ANNOTATION);
    if (encoded == null) {
      return Optional.of("no " + SignatureImage.SIGNATURE_ANNOTATION + " annotation");
    }
    if (layer.size() > MAX_PAYLOAD) {
      return Optional.of("a payload of " + layer.size() + " bytes is not a signature");
    }
    byte[] signature;
    try {
      signature = Base64.getDecoder().decode(encoded);
    } catch (IllegalArgumentException e) {
      return Optional.of("the signature annotation is not base64");
    }
    byte[] payload = client.readBlob(repo, layer);
    Optional<String> rejected = verifier.reject(payload, signature, layer.annotations());
    if (rejected.isPresent()) {
      return rejected;
    }
    SimpleSigningPayload claims;
    try {
      claims = SimpleSigningPayload.parse(payload);
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    if (!claims.manifestDigest().equals(digest)) {
      return Optional.of(
          "signs " + claims.manifestDigest() + ", another manifest (the image was changed?)");
    }
    if (!sameRepository(claims.dockerReference(), repo)) {
      return Optional.of("signed for " + claims.dockerReference() + ", not for " + repo.name());
    }
    verified.add(
        new VerifiedSignature(
            claims.dockerReference(), claims.manifestDigest(), claims.optional(), layer.digest()));
    return Optional.empty();
  }

  /**
   * Whether a payload's {@code docker-reference} (cosign: the repository; skopeo: the reference
   * with its tag) names {@code repo}.
   */
  private static boolean sameRepository(String dockerReference, ImageReference repo) {
    try {
      ImageReference signed = ImageReference.parse(dockerReference);
      return signed.repositoryOnly().equals(repo.repositoryOnly())
          || (signed.registry().equals("index.docker.io")
              && repo.isDockerHub()
              && signed.repository().equals(repo.repository()));
    } catch (InvalidReferenceException e) {
      return false;
    }
  }
}
