package dev.kiln.core.sbom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The official SPDX 2.3 JSON schema (vendored in testdata, with its origin and licence beside it),
 * checked by an independent validator (networknt's json-schema-validator, draft 7 as the schema
 * declares): every SPDX document kiln's tests make goes through {@link #assertValid}.
 */
public final class SpdxSchema {
  private static final String RESOURCE = "/dev/kiln/testdata/spdx/spdx-schema-2.3.json";
  private static final Schema SCHEMA = load();

  private SpdxSchema() {}

  private static Schema load() {
    try (InputStream in = SpdxSchema.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("no " + RESOURCE + " on the test class path (testdata)");
      }
      return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
          .getSchema(in, InputFormat.JSON);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the schema finds wrong in {@code document} (a JSON text); empty when it is valid. */
  public static List<String> problems(String document) {
    return SCHEMA.validate(document, InputFormat.JSON).stream().map(Error::toString).toList();
  }

  /** Fails the test, listing each problem, unless {@code document} is a valid SPDX 2.3 document. */
  public static void assertValid(JsonNode document) {
    assertEquals(List.of(), problems(document.toString()), "SPDX 2.3 schema problems");
  }
}
