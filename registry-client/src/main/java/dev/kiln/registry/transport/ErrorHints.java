package dev.kiln.registry.transport;

import java.util.List;

/**
 * What a person can do about a failed registry request, chosen from the status and the registry's
 * error codes. Pure: no I/O, so each case is a one-line test.
 */
final class ErrorHints {
  private ErrorHints() {}

  static String hint(
      RegistryRequest request, int status, List<RegistryError> errors, String credentialSource) {
    String registry =
        request.registryHost() != null ? request.registryHost() : request.uri().getAuthority();
    boolean push = request.scopes().stream().anyMatch(s -> s.actions().contains("push"));
    String headNote =
        request.method().equals("HEAD") && errors.isEmpty()
            ? " (a HEAD response carries no error body; the same request with GET shows the"
                + " registry's reason)"
            : "";
    if (has(errors, "MANIFEST_INVALID")) {
      return "the registry rejected the manifest: it may reference a blob the repository does"
          + " not have, or use a media type this registry does not support";
    }
    if (has(errors, "MANIFEST_BLOB_UNKNOWN")) {
      return "the manifest references a blob that is not in the repository; push the blobs"
          + " first";
    }
    if (has(errors, "DIGEST_INVALID")) {
      return "the registry computed a different digest for the uploaded content than kiln"
          + " declared; the content changed while it was being sent";
    }
    if (has(errors, "BLOB_UPLOAD_INVALID") || has(errors, "BLOB_UPLOAD_UNKNOWN")) {
      return "the upload session was lost (it expired, or the registry restarted); the upload"
          + " starts again";
    }
    switch (status) {
      case 401:
        if (credentialSource == null) {
          return "no credentials were found for "
              + registry
              + ": log in with `kiln login "
              + registry
              + "` (kiln also reads Docker's and podman's credential files), or check the"
              + " repository name"
              + headNote;
        }
        if (credentialSource.startsWith("withheld")) {
          return "credentials were not sent because the connection is plain HTTP; use HTTPS, or"
              + " allow credentials over plain HTTP for "
              + registry
              + " if you trust the network";
        }
        return "the registry did not accept the credentials from "
            + credentialSource
            + "; log in again"
            + headNote;
      case 403:
        return (credentialSource == null
                ? "anonymous access is not allowed to "
                : "the credentials from " + credentialSource + " are not allowed to ")
            + (push ? "push to" : "pull from")
            + " this repository; check the account's permissions"
            + headNote;
      case 404:
        if (has(errors, "NAME_UNKNOWN")) {
          return "the repository does not exist on "
              + registry
              + " (some registries also answer 404 for private repositories you may not see)";
        }
        if (has(errors, "BLOB_UNKNOWN")) {
          return "the blob is not in this repository";
        }
        if (has(errors, "MANIFEST_UNKNOWN")) {
          return "no manifest with that tag or digest exists in the repository";
        }
        return "not found: check the registry, repository, tag or digest"
            + " (private repositories can look missing without credentials)"
            + headNote;
      case 429:
        return "the registry is rate-limiting requests; wait and try again, or log in (Docker Hub"
            + " gives logged-in users higher limits)";
      case 405:
        return "the registry does not allow this operation here (a read-only mirror, or deletes"
            + " disabled)";
      case 413:
        return "the request was too large for the registry or a proxy in front of it; chunked"
            + " uploads with a smaller chunk size may get through";
      default:
        if (status >= 500) {
          return "the registry failed; kiln retried and gave up, try again later";
        }
        return "";
    }
  }

  private static boolean has(List<RegistryError> errors, String code) {
    return errors.stream().anyMatch(e -> e.code().equals(code));
  }
}
