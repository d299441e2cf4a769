package dev.evonorm.models;

/** Whether the layer search trains candidates on an architecture or keeps it for generalization checks. */
public enum ArchitectureRole {
    /** One of the K architectures every candidate is trained on during the search. */
    SEARCH,
    /** Never seen by the search; used only to check that winning layers transfer. */
    HELD_OUT
}
