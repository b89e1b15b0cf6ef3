package dev.kiln.dockerfile.lint;

import dev.kiln.dockerfile.parser.ParseWarning;
import dev.kiln.dockerfile.parser.SourceRange;

/**
 * BuildKit's build checks that kiln runs, by their documented names. Each is data: its name, a
 * description, and the page that documents it.
 */
public enum LintRule {
  STAGE_NAME_CASING("StageNameCasing", "Stage names should be lowercase"),
  FROM_AS_CASING("FromAsCasing", "The 'as' keyword should match the case of the 'from' keyword"),
  NO_EMPTY_CONTINUATION(
      "NoEmptyContinuation", "Empty continuation lines will become errors in a future release"),
  CONSISTENT_INSTRUCTION_CASING(
      "ConsistentInstructionCasing",
      "All commands within the Dockerfile should use the same casing (either upper or lower)"),
  RESERVED_STAGE_NAME("ReservedStageName", "Reserved words should not be used as stage names"),
  JSON_ARGS_RECOMMENDED(
      "JSONArgsRecommended",
      "JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS"
          + " signals"),
  MAINTAINER_DEPRECATED(
      "MaintainerDeprecated",
      "The MAINTAINER instruction is deprecated, use a label instead to define an image author"),
  UNDEFINED_ARG_IN_FROM("UndefinedArgInFrom", "FROM command must use declared ARGs"),
  WORKDIR_RELATIVE_PATH(
      "WorkdirRelativePath",
      "Relative workdir without an absolute workdir declared within the build can have unexpected"
          + " results if the base image changes"),
  UNDEFINED_VAR("UndefinedVar", "Variables should be defined before their use"),
  MULTIPLE_INSTRUCTIONS_DISALLOWED(
      "MultipleInstructionsDisallowed",
      "Multiple instructions of the same type should not be used in the same stage"),
  INVALID_BASE_IMAGE_PLATFORM(
      "InvalidBaseImagePlatform", "Base image platform does not match expected target platform"),
  LEGACY_KEY_VALUE_FORMAT(
      "LegacyKeyValueFormat",
      "Legacy key/value format with whitespace separator should not be used"),
  SECRETS_USED_IN_ARG_OR_ENV(
      "SecretsUsedInArgOrEnv",
      "A secret passed by ARG or ENV stays readable in the image's config or history; pass it with"
          + " a secret mount instead"),
  INVALID_DEFAULT_ARG_IN_FROM(
      "InvalidDefaultArgInFrom",
      "With only the defaults of the global ARGs, a base image name must still be valid"),
  FROM_PLATFORM_FLAG_CONST_DISALLOWED(
      "FromPlatformFlagConstDisallowed",
      "A fixed FROM --platform ties the stage to one platform; use a platform variable or name the"
          + " stage after it"),
  COPY_IGNORED_FILE(
      "CopyIgnoredFile",
      "A COPY or ADD source from the build context matches .dockerignore, so it is not there");

  private final String ruleName;
  private final String description;

  LintRule(String ruleName, String description) {
    this.ruleName = ruleName;
    this.description = description;
  }

  /** The name BuildKit documents and {@code # check=skip=} takes. */
  public String ruleName() {
    return ruleName;
  }

  public String description() {
    return description;
  }

  /** The rule's page in Docker's build checks reference. */
  public String url() {
    return "https://docs.docker.com/go/dockerfile/rule/"
        + ruleName
            .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
            .replaceAll("([A-Z])([A-Z][a-z])", "$1-$2")
            .toLowerCase(java.util.Locale.ROOT)
        + "/";
  }

  /** A warning of this rule at {@code range}. */
  public ParseWarning warning(String message, SourceRange range) {
    return new ParseWarning(ruleName, message, description, url(), range);
  }

  /** Whether {@code name} is one of these rules. */
  public static boolean isRule(String name) {
    for (LintRule r : values()) {
      if (r.ruleName.equals(name)) {
        return true;
      }
    }
    return false;
  }
}
