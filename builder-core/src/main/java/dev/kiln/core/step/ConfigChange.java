package dev.kiln.core.step;

import dev.kiln.registry.model.ContainerConfig;
import java.util.Optional;

/**
 * What a config-only instruction does to the image: the new run-time config, the history line
 * ({@code created_by}) and, for MAINTAINER, the new author. An empty history line means the
 * instruction leaves no history entry (ONBUILD, as in BuildKit).
 */
public record ConfigChange(
    ContainerConfig config, Optional<String> createdBy, Optional<String> author) {}
