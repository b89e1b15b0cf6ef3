package dev.kiln.core.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The SPDX 2.3 fields every reader needs, and ids and licenses that stay within the spec. */
class SpdxDocumentTest {
  private static final List<FoundPackage> PACKAGES =
      List.of(
          new FoundPackage(
              "deb",
              "libc6",
              "2.36",
              Optional.of("pkg:deb/debian/libc6@2.36"),
              Optional.empty(),
              "/var/lib/dpkg/status"),
          new FoundPackage(
              "npm",
              "@babel/core",
              "7.0",
              Optional.of("pkg:npm/%40babel/core@7.0"),
              Optional.of("MIT"),
              "/n/package.json"),
          new FoundPackage(
              "npm",
              "@babel/core",
              "7.0",
              Optional.of("pkg:npm/%40babel/core@7.0"),
              Optional.of("SEE LICENSE IN LICENSE.md"),
              "/m/package.json"));

  @Test
  void documentFieldsRelationshipsAndPackageReferences() {
    JsonNode doc =
        SpdxDocument.of("r.example/app:1", PACKAGES, "2024-01-02T03:04:05Z", "kiln-test");
    SpdxSchema.assertValid(doc);
    assertEquals("SPDX-2.3", doc.path("spdxVersion").asText());
    assertEquals("CC0-1.0", doc.path("dataLicense").asText());
    assertEquals("SPDXRef-DOCUMENT", doc.path("SPDXID").asText());
    assertEquals("2024-01-02T03:04:05Z", doc.path("creationInfo").path("created").asText());
    assertEquals("Tool: kiln-test", doc.path("creationInfo").path("creators").get(0).asText());
    assertTrue(doc.path("documentNamespace").asText().startsWith("https://kiln.dev/spdx/"));

    JsonNode packages = doc.path("packages");
    assertEquals(4, packages.size(), "the image and three packages");
    assertEquals("CONTAINER", packages.get(0).path("primaryPackagePurpose").asText());
    Set<String> ids = new HashSet<>();
    for (JsonNode p : packages) {
      String id = p.path("SPDXID").asText();
      assertTrue(id.matches("SPDXRef-[A-Za-z0-9.-]+"), id);
      assertTrue(ids.add(id), "unique: " + id);
      assertEquals("NOASSERTION", p.path("downloadLocation").asText());
      assertEquals(false, p.path("filesAnalyzed").asBoolean(true));
    }
    JsonNode libc = packages.get(1);
    assertEquals("2.36", libc.path("versionInfo").asText());
    assertEquals(
        "PACKAGE-MANAGER", libc.path("externalRefs").get(0).path("referenceCategory").asText());
    assertEquals("purl", libc.path("externalRefs").get(0).path("referenceType").asText());
    assertEquals(
        "pkg:deb/debian/libc6@2.36",
        libc.path("externalRefs").get(0).path("referenceLocator").asText());
    assertEquals("found in /var/lib/dpkg/status", libc.path("sourceInfo").asText());
    assertEquals("MIT", packages.get(2).path("licenseDeclared").asText());
    assertEquals(
        "NOASSERTION",
        packages.get(3).path("licenseDeclared").asText(),
        "a license that is not an SPDX expression is not claimed as one");

    JsonNode relationships = doc.path("relationships");
    assertEquals(4, relationships.size());
    assertEquals("DESCRIBES", relationships.get(0).path("relationshipType").asText());
    assertEquals("SPDXRef-Image", relationships.get(0).path("relatedSpdxElement").asText());
    assertEquals("CONTAINS", relationships.get(1).path("relationshipType").asText());
  }

  @Test
  void theSameInputsGiveTheSameDocumentAndOtherPackagesAnotherNamespace() {
    JsonNode a = SpdxDocument.of("app", PACKAGES, "2024-01-02T03:04:05Z", "kiln");
    JsonNode b = SpdxDocument.of("app", PACKAGES, "2024-01-02T03:04:05Z", "kiln");
    JsonNode c = SpdxDocument.of("app", PACKAGES.subList(0, 1), "2024-01-02T03:04:05Z", "kiln");
    SpdxSchema.assertValid(a);
    SpdxSchema.assertValid(c);
    assertEquals(a, b);
    assertNotEquals(a.path("documentNamespace"), c.path("documentNamespace"));
  }

  @Test
  void theSchemaCheckRefusesWhatSpdx23Forbids() {
    com.fasterxml.jackson.databind.node.ObjectNode doc =
        (com.fasterxml.jackson.databind.node.ObjectNode)
            SpdxDocument.of("app", PACKAGES, "2024-01-02T03:04:05Z", "kiln");
    ((com.fasterxml.jackson.databind.node.ObjectNode) doc.path("packages").get(1))
        .put("filesAnalyzed", "no")
        .remove("downloadLocation");
    doc.remove("creationInfo");
    List<String> problems = SpdxSchema.problems(doc.toString());
    assertEquals(3, problems.size(), problems.toString());
    assertTrue(problems.toString().contains("creationInfo"), problems.toString());
    assertTrue(problems.toString().contains("downloadLocation"), problems.toString());
    assertTrue(problems.toString().contains("filesAnalyzed"), problems.toString());
  }
}
