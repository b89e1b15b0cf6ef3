/** Image references ({@code registry/repository:tag@digest}) parsed and normalised like Docker. */
package dev.kiln.registry.reference;
