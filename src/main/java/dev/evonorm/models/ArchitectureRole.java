package dev.evonorm.models;

/**
 * Whether the layer search trains candidates on an architecture, keeps it for generalization checks,
 * or it exists for the initialization diagnostics.
 */
public enum ArchitectureRole {
    /** One of the K architectures every candidate is trained on during the search. */
    SEARCH,
    /** Never seen by the search; used only to check that winning layers transfer. */
    HELD_OUT,
    /**
     * A network of "Beyond BatchNorm" (plain CNNs, the deep ResNet), built for
     * {@code evonorm diagnose}; trainable like any other, but no command's default.
     */
    DIAGNOSTIC
}
