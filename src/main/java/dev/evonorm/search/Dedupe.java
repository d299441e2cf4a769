package dev.evonorm.search;

import dev.evonorm.graph.CoefficientForm;
import dev.evonorm.graph.LayerGraph;
import java.util.Locale;

/**
 * When the search treats a proposal as already known and records it as a duplicate without
 * evaluating it. Evaluated candidates are also merged later by the functional hash; this decides
 * what never reaches the evaluator.
 */
public enum Dedupe {
    /** The same canonical structure (dead nodes, numbering and commutative order aside), as in every run before 2026-12-02. */
    STRUCTURE("structure", "same structure as candidate "),
    /**
     * The same canonical structure up to how its per-channel coefficients are parametrized
     * ({@link CoefficientForm}): a proposal that only rewrites an x-free sub-expression of a known
     * candidate into another with the same initial value is not evaluated again.
     */
    COEFFICIENTS("coefficients", "same structure up to its per-channel coefficients as candidate ");

    private final String token;
    private final String reasonPrefix;

    Dedupe(String token, String reasonPrefix) {
        this.token = token;
        this.reasonPrefix = reasonPrefix;
    }

    /** The key two proposals share when the second is a duplicate of the first. */
    public String key(LayerGraph graph, String structuralHash) {
        return this == STRUCTURE ? structuralHash : CoefficientForm.hash(graph);
    }

    /** The rejection reason recorded for a duplicate of {@code original}. */
    public String reason(long original) {
        return reasonPrefix + original;
    }

    public String token() {
        return token;
    }

    public static Dedupe fromToken(String token) {
        String t = token == null ? "" : token.trim().toLowerCase(Locale.ROOT);
        for (Dedupe d : values()) {
            if (d.token.equals(t)) {
                return d;
            }
        }
        throw new IllegalArgumentException("--dedupe must be 'structure' or 'coefficients', got '" + token + "'");
    }
}
