package dev.kiln.core.sbom;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kiln.registry.model.Digest;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An SPDX 2.3 document (JSON) for an image: one package for the image itself ({@code
 * primaryPackagePurpose} CONTAINER, which the document DESCRIBES) that CONTAINS one package per
 * {@link FoundPackage}, each with its version, its package URL as a {@code PACKAGE-MANAGER}
 * external reference, its declared license when that is an SPDX expression, and where it was found
 * ({@code sourceInfo}). kiln analyses no files' contents, so {@code filesAnalyzed} is false and
 * download locations are NOASSERTION.
 *
 * <p>The same packages, name and time give the same bytes; the namespace is derived from them.
 */
public final class SpdxDocument {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern SIMPLE_EXPRESSION =
      Pattern.compile("[A-Za-z0-9.+-]+( (AND|OR|WITH) [A-Za-z0-9.+-]+)*");
  private static final String IMAGE_ID = "SPDXRef-Image";

  private SpdxDocument() {}

  /**
   * @param imageName what the image is called (its first name, or {@code image})
   * @param created when, as SPDX writes it ({@code 2024-01-02T03:04:05Z})
   * @param creator the tool, e.g. {@code kiln-0.1.0}
   */
  public static ObjectNode of(
      String imageName, List<FoundPackage> packages, String created, String creator) {
    ObjectNode doc = JSON.createObjectNode();
    doc.put("spdxVersion", "SPDX-2.3");
    doc.put("dataLicense", "CC0-1.0");
    doc.put("SPDXID", "SPDXRef-DOCUMENT");
    doc.put("name", imageName);
    ObjectNode creation = doc.putObject("creationInfo");
    creation.put("created", created);
    creation.putArray("creators").add("Tool: " + creator);
    ArrayNode list = doc.putArray("packages");
    ObjectNode image = list.addObject();
    image.put("name", imageName);
    image.put("SPDXID", IMAGE_ID);
    image.put("downloadLocation", "NOASSERTION");
    image.put("filesAnalyzed", false);
    image.put("primaryPackagePurpose", "CONTAINER");
    ArrayNode relationships = JSON.createArrayNode();
    relationship(relationships, "SPDXRef-DOCUMENT", "DESCRIBES", IMAGE_ID);
    Set<String> ids = new HashSet<>();
    for (FoundPackage p : packages) {
      String id = id(p, ids);
      ObjectNode node = list.addObject();
      node.put("name", p.name());
      node.put("SPDXID", id);
      node.put("versionInfo", p.version());
      node.put("downloadLocation", "NOASSERTION");
      node.put("filesAnalyzed", false);
      node.put(
          "licenseDeclared",
          p.license().filter(l -> SIMPLE_EXPRESSION.matcher(l).matches()).orElse("NOASSERTION"));
      node.put("sourceInfo", "found in " + p.foundAt());
      p.purl()
          .ifPresent(
              purl -> {
                ObjectNode ref = node.putArray("externalRefs").addObject();
                ref.put("referenceCategory", "PACKAGE-MANAGER");
                ref.put("referenceType", "purl");
                ref.put("referenceLocator", purl);
              });
      relationship(relationships, IMAGE_ID, "CONTAINS", id);
    }
    doc.set("relationships", relationships);
    // Unique per content, yet reproducible: named after what it lists.
    Digest namespace =
        Digest.sha256((imageName + "\n" + created + "\n" + list).getBytes(StandardCharsets.UTF_8));
    doc.put(
        "documentNamespace",
        "https://kiln.dev/spdx/" + Purls.encode(imageName) + "-" + namespace.hex());
    return doc;
  }

  private static void relationship(ArrayNode into, String from, String type, String to) {
    ObjectNode r = into.addObject();
    r.put("spdxElementId", from);
    r.put("relationshipType", type);
    r.put("relatedSpdxElement", to);
  }

  /** {@code SPDXRef-Package-<ecosystem>-<name>-<n>}: only letters, digits, '.' and '-'. */
  private static String id(FoundPackage p, Set<String> taken) {
    String base =
        ("SPDXRef-Package-" + p.ecosystem() + "-" + p.name() + "-" + p.version())
            .replaceAll("[^A-Za-z0-9.-]", "-");
    String id = base;
    for (int n = 2; !taken.add(id); n++) {
      id = base + "-" + n;
    }
    return id;
  }
}
