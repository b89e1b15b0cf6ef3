/**
 * The OCI image model as immutable records: {@link dev.kiln.registry.model.Digest}, {@link
 * dev.kiln.registry.model.MediaType}, {@link dev.kiln.registry.model.Descriptor}, {@link
 * dev.kiln.registry.model.Platform}, and the three documents {@link
 * dev.kiln.registry.model.ImageManifest}, {@link dev.kiln.registry.model.ImageIndex} and {@link
 * dev.kiln.registry.model.ImageConfig}, which keep their exact bytes and every unknown field.
 */
package dev.kiln.registry.model;
