package dev.kiln.api.build;

import dev.kiln.api.request.RequestException;
import dev.kiln.core.image.ImageNotFoundException;
import dev.kiln.core.layer.DiffIdMismatchException;
import dev.kiln.core.layer.LayerFormatException;
import dev.kiln.core.output.FileSystemFailures;
import dev.kiln.registry.client.PlatformNotFoundException;
import dev.kiln.registry.reference.InvalidReferenceException;
import dev.kiln.registry.transport.RegistryException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The one place where what went wrong becomes a {@link BuildFailure}: its kind (and so the exit
 * code), the message, and a hint. The engine, {@code kiln push/pull/tag/inspect} and the Maven and
 * Gradle goals all pass their failures through here, and the front ends only render the result, so
 * a failure reads the same wherever it happens.
 */
public final class Failures {
  private Failures() {}

  /** {@code failure} as a user-facing failure; a file-system error without a path names none. */
  public static BuildFailure of(Throwable failure) {
    return of(failure, Optional.empty());
  }

  /**
   * {@code failure} as a user-facing failure. A file-system error the system reported without a
   * path (a full disk during a long write) is said to be in {@code place} (kiln's store) when
   * given.
   */
  public static BuildFailure of(Throwable failure, Optional<Path> place) {
    Throwable f = failure instanceof UncheckedIOException u ? u.getCause() : failure;
    if (f instanceof BuildFailure b) {
      return b;
    }
    String message = f.getMessage() == null ? f.toString() : f.getMessage();
    if (f instanceof RequestException r) {
      return new BuildFailure(BuildFailure.Kind.USAGE, message, null, r.hint(), f);
    }
    if (f instanceof InvalidReferenceException) {
      return new BuildFailure(
          BuildFailure.Kind.USAGE,
          message,
          null,
          "write NAME[:TAG][@DIGEST], e.g. registry.example:5000/team/app:1.0",
          f);
    }
    if (f instanceof ImageNotFoundException n) {
      return new BuildFailure(BuildFailure.Kind.USAGE, message, null, n.hint(), f);
    }
    if (f instanceof PlatformNotFoundException) {
      return new BuildFailure(
          BuildFailure.Kind.USAGE,
          message,
          null,
          "pass --platform with one of the platforms listed",
          f);
    }
    if (f instanceof RegistryException r) {
      // The registry client's message already names the reference, status, registry errors,
      // the credential source and a hint.
      return new BuildFailure(BuildFailure.Kind.REGISTRY, message, null, hint(r), f);
    }
    if (f instanceof DiffIdMismatchException m) {
      return new BuildFailure(BuildFailure.Kind.STEP, message, null, m.hint(), f);
    }
    if (f instanceof LayerFormatException) {
      // A layer of a base image that is corrupt or would write outside the root when unpacked.
      return new BuildFailure(
          BuildFailure.Kind.STEP,
          message,
          null,
          "the image has a malformed or unsafe layer; rebuild it with a tool you trust or use"
              + " another base",
          f);
    }
    if (f instanceof InterruptedIOException || f instanceof ClosedByInterruptException) {
      return interrupted(f);
    }
    if (f instanceof IOException io) {
      IOException located = place.isPresent() ? FileSystemFailures.within(place.get(), io) : io;
      if (located instanceof FileSystemException fs) {
        return new BuildFailure(
            BuildFailure.Kind.FILE_SYSTEM,
            FileSystemFailures.describe(fs),
            null,
            FileSystemFailures.hint(fs),
            f);
      }
    }
    return new BuildFailure(
        BuildFailure.Kind.INTERNAL,
        "internal error: " + f,
        null,
        "rerun with --debug for the stack trace, and report it if it looks like a bug",
        f);
  }

  /**
   * The hint for a registry failure the client's message does not already give: credentials that
   * were withheld over plain HTTP name the flag that sends them, with the registry's host. Shared
   * by every path (a {@code FROM}, {@code kiln pull/push/inspect}) so each names it.
   */
  public static String hint(RegistryException r) {
    if (r.credentialSource() == null || !r.credentialSource().startsWith("withheld")) {
      return null;
    }
    String host = hostOf(r.url());
    return "kiln does not send credentials over plain HTTP; if you trust the network to "
        + (host == null ? "this registry" : host)
        + ", pass --insecure-registry "
        + (host == null ? "HOST" : host)
        + " to allow it";
  }

  private static String hostOf(String url) {
    try {
      return url == null ? null : java.net.URI.create(url).getRawAuthority();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The failure of work that was stopped (Ctrl-C, SIGTERM). */
  public static BuildFailure interrupted(Throwable cause) {
    return new BuildFailure(
        BuildFailure.Kind.INTERRUPTED,
        "build interrupted",
        null,
        "run it again: the steps that finished are cached",
        cause);
  }
}
