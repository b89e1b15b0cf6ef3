package dev.kiln.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CLI's advice, said in the plugin's parameters. */
class FailureReportTest {
  @Test
  void hintsNameThePluginsParameters() {
    assertEquals(
        "denied\nhint: add security.insecure to <allow> (-Dkiln.allow=security.insecure)",
        FailureReport.text("denied", null, "pass --allow security.insecure"));
    assertEquals(
        "unauthorized\nhint: credentials were not sent because the connection is plain HTTP; use"
            + " HTTPS, or add registry.internal:5000 to <insecureRegistries> (for a token service:"
            + " <plainHttpCredentialHosts>) if you trust the network",
        FailureReport.text(
            "unauthorized",
            null,
            "credentials were not sent because the connection is plain HTTP; use HTTPS, or allow"
                + " credentials over plain HTTP for registry.internal:5000 if you trust the"
                + " network"));
    assertEquals(
        "unauthorized\nhint: kiln does not send credentials over plain HTTP; if this registry is"
            + " yours, add the registry to <insecureRegistries> (-Dkiln.insecureRegistries=HOST)"
            + " to allow it",
        FailureReport.text(
            "unauthorized",
            null,
            "kiln does not send credentials over plain HTTP; if this registry is yours, pass"
                + " --insecure-registry HOST to allow it"));
  }
}
