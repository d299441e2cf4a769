package dev.evonorm.graph;

import java.util.Locale;

/** The two search spaces of the paper: with batch aggregates (B-series) and without (S-series). */
public enum SearchSpace {
    BATCH_DEPENDENT("batch"),
    BATCH_INDEPENDENT("batch-independent");

    private final String token;

    SearchSpace(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    public static SearchSpace fromToken(String token) {
        String t = token == null ? "" : token.trim().toLowerCase(Locale.ROOT);
        for (SearchSpace s : values()) {
            if (s.token.equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown search space '" + token + "'; use 'batch' or 'batch-independent'");
    }
}
