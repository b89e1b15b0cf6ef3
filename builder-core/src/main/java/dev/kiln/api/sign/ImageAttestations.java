package dev.kiln.api.sign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.api.build.BuildFailure;
import dev.kiln.core.attest.AttestationManifest;
import dev.kiln.core.attest.InTotoStatement;
import dev.kiln.core.attest.ProvenancePredicate;
import dev.kiln.core.attest.SbomPredicate;
import dev.kiln.core.sign.DsseEnvelope;
import dev.kiln.core.sign.SignatureImage;
import dev.kiln.registry.client.BlobContent;
import dev.kiln.registry.client.BlobToPush;
import dev.kiln.registry.client.RegistryClient;
import dev.kiln.registry.client.RemoteManifest;
import dev.kiln.registry.model.Descriptor;
import dev.kiln.registry.model.Digest;
import dev.kiln.registry.model.ImageManifest;
import dev.kiln.registry.reference.ImageReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signed attestations in cosign's format ({@code cosign attest}, {@code cosign
 * verify-attestation}): each in-toto statement in a DSSE envelope signed with the image signing
 * key, as a layer of the image tagged {@code sha256-<hex>.att} next to the image the statement is
 * about; where the registry serves the OCI 1.1 referrers API, also in a referrer manifest (artifact
 * type {@code application/vnd.dev.cosign.artifact.att.v1+json}) whose {@code subject} is that
 * image.
 *
 * <p>A build's attestation manifest (BuildKit's layout) already travels inside the signed index, so
 * its statements are covered by the index signature; the envelopes make each statement verifiable
 * on its own, by tools that read cosign's layout and by policies that want a signed SBOM. They go
 * next to each platform image, because that is the statement's subject and the digest cosign checks
 * the subject against.
 */
public final class ImageAttestations {
  private static final long MAX_ENVELOPE = 64L << 20;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RegistryClient client;
  private final ImageSignatures signatures;

  public ImageAttestations(RegistryClient client) {
    this.client = client;
    this.signatures = new ImageSignatures(client);
  }

  /**
   * The predicate type a {@code --type} names: {@code sbom} (or cosign's {@code spdxjson}), {@code
   * provenance} (or cosign's {@code slsaprovenance1}), or a predicate type URI as is.
   *
   * @throws IllegalArgumentException for any other name, listing the known ones
   */
  public static String predicateType(String name) {
    return switch (name.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "sbom", "spdx", "spdxjson" -> SbomPredicate.TYPE;
      case "provenance", "slsaprovenance1" -> ProvenancePredicate.TYPE;
      default -> {
        if (name.contains(":")) {
          yield name.trim();
        }
        throw new IllegalArgumentException(
            "unknown attestation type '"
                + name
                + "': use sbom, provenance, or a predicate type URI such as "
                + SbomPredicate.TYPE);
      }
    };
  }

  /**
   * Signs each statement about {@code image} (a platform manifest of {@code repository}) and adds
   * the envelopes to its {@code .att} image; statements already there are not added twice.
   *
   * @return the {@code .att} reference
   */
  public ImageReference attach(
      ImageReference repository, Descriptor image, List<InTotoStatement> statements, Signer signer)
      throws IOException {
    ImageReference repo = repository.repositoryOnly();
    ImageReference tag = repo.withTag(SignatureImage.attestationTagFor(image.digest()));
    SignatureImage att =
        signatures
            .signatureManifest(tag)
            .map(SignatureImage::of)
            .orElse(new SignatureImage(List.of()));
    List<BlobToPush> fresh = new ArrayList<>();
    for (InTotoStatement statement : statements) {
      byte[] payload = statement.bytes();
      PayloadSignature signature =
          signer.sign(DsseEnvelope.pae(InTotoStatement.MEDIA_TYPE, payload));
      byte[] envelope =
          new DsseEnvelope(
                  InTotoStatement.MEDIA_TYPE,
                  payload,
                  List.of(new DsseEnvelope.Signature("", signature.signature())))
              .bytes();
      // cosign marks attestation layers with an empty signature annotation: the signature is
      // inside the envelope.
      Map<String, String> annotations = new java.util.LinkedHashMap<>(signature.annotations());
      annotations.put(SignatureImage.SIGNATURE_ANNOTATION, "");
      annotations.put(SignatureImage.PREDICATE_TYPE_ANNOTATION, statement.predicateType());
      Descriptor layer =
          Descriptor.of(DsseEnvelope.MEDIA_TYPE, Digest.sha256(envelope), envelope.length)
              .withAnnotations(annotations);
      att = att.with(layer);
      fresh.add(BlobToPush.of(layer, BlobContent.ofBytes(envelope)));
    }
    client.pushImage(tag, signatures.toPush(repo, att.manifest(), att.config(), fresh), List.of());
    if (!fresh.isEmpty() && client.supportsReferrers(repo, image.digest())) {
      // One referrer per signing, holding this signing's envelopes (as for signatures): a
      // registry with the referrers API lists it under the image, without the tag.
      SignatureImage these =
          new SignatureImage(fresh.stream().map(BlobToPush::descriptor).toList());
      ImageManifest referrer = these.referrer(image, SignatureImage.ATTESTATION_ARTIFACT_TYPE);
      client.pushImage(repo, signatures.toPush(repo, referrer, these.config(), fresh), List.of());
    }
    return tag;
  }

  /**
   * The attestations of the image {@code reference} names that {@code verifier} trusts, whose
   * subject is that image, and (when given) whose predicate type is {@code predicateType}. For an
   * index, those of each image it lists (not of its attestation manifests).
   *
   * @throws BuildFailure of kind {@link BuildFailure.Kind#VERIFICATION} when there is none
   */
  public List<VerifiedAttestation> verify(
      ImageReference reference, Verifier verifier, Optional<String> predicateType)
      throws IOException, BuildFailure {
    ImageReference repo = reference.repositoryOnly();
    RemoteManifest top = client.fetchManifest(reference);
    List<Digest> images = new ArrayList<>();
    if (top.isIndex()) {
      for (Descriptor d : top.index().manifests()) {
        if (!AttestationManifest.ATTESTATION_MANIFEST.equals(
            d.annotations().get(AttestationManifest.REFERENCE_TYPE))) {
          images.add(d.digest());
        }
      }
    } else {
      images.add(top.digest());
    }
    List<VerifiedAttestation> verified = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Digest image : images) {
      ImageReference tag = repo.withTag(SignatureImage.attestationTagFor(image));
      List<Descriptor> layers = new ArrayList<>();
      signatures.signatureManifest(tag).ifPresent(m -> layers.addAll(m.layers()));
      if (client.supportsReferrers(repo, image)) {
        for (Descriptor d :
            client.referrers(repo, image, SignatureImage.ATTESTATION_ARTIFACT_TYPE)) {
          RemoteManifest m = client.fetchManifest(repo.withDigest(d.digest()));
          if (!m.isIndex()) {
            layers.addAll(m.imageManifest().layers());
          }
        }
      }
      if (layers.isEmpty()) {
        refused.add(image.shortHex() + ": nothing at " + tag + " nor among its referrers");
        continue;
      }
      for (Descriptor layer : layers) {
        Optional<String> why = check(repo, image, layer, verifier, predicateType, verified);
        why.ifPresent(w -> refused.add(layer.digest().shortHex() + ": " + w));
      }
    }
    if (!verified.isEmpty()) {
      return verified;
    }
    throw new BuildFailure(
        BuildFailure.Kind.VERIFICATION,
        "no attestation of "
            + repo.withDigest(top.digest())
            + predicateType.map(t -> " of type " + t).orElse("")
            + " is trusted by "
            + verifier.describe(),
        String.join("\n", refused),
        "build with --sign key=KEY and --sbom or --provenance to attach signed attestations, and"
            + " check that the public key is the half of that key",
        null);
  }

  /** Empty when {@code layer} is a trusted attestation about {@code image}; else why not. */
  private Optional<String> check(
      ImageReference repo,
      Digest image,
      Descriptor layer,
      Verifier verifier,
      Optional<String> predicateType,
      List<VerifiedAttestation> verified)
      throws IOException {
    if (!DsseEnvelope.MEDIA_TYPE.equals(layer.mediaType())) {
      return Optional.of("a " + layer.mediaType() + ", not a DSSE envelope");
    }
    if (layer.size() > MAX_ENVELOPE) {
      return Optional.of("an envelope of " + layer.size() + " bytes is too large");
    }
    DsseEnvelope envelope;
    try {
      envelope = DsseEnvelope.parse(client.readBlob(repo, layer));
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    if (!InTotoStatement.MEDIA_TYPE.equals(envelope.payloadType())) {
      return Optional.of("the envelope holds a " + envelope.payloadType() + ", not a statement");
    }
    byte[] signed = envelope.signedBytes();
    Optional<String> rejected = Optional.of("the envelope has no signature");
    for (DsseEnvelope.Signature s : envelope.signatures()) {
      rejected = verifier.reject(signed, s.sig(), layer.annotations());
      if (rejected.isEmpty()) {
        break;
      }
    }
    if (rejected.isPresent()) {
      return rejected;
    }
    JsonNode statement;
    try {
      statement = JSON.readTree(envelope.payload());
    } catch (IOException e) {
      return Optional.of("the statement is not JSON");
    }
    String type = statement.path("predicateType").asText();
    if (predicateType.isPresent() && !predicateType.get().equals(type)) {
      return Optional.of("a " + type + " attestation");
    }
    boolean about = false;
    for (JsonNode subject : statement.path("subject")) {
      about |= image.hex().equals(subject.path("digest").path(image.algorithm()).asText());
    }
    if (!about) {
      return Optional.of("about another image, not " + image + " (the image was changed?)");
    }
    verified.add(new VerifiedAttestation(image, type, statement, layer.digest()));
    return Optional.empty();
  }
}
