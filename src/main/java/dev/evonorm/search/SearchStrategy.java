package dev.evonorm.search;

import java.util.Locale;

/** Evolution, or the random-search baseline with the same screens and budget (RS + rej). */
public enum SearchStrategy {
    EVOLUTION,
    RANDOM_SEARCH;

    public String token() {
        return this == EVOLUTION ? "evolution" : "random";
    }

    public static SearchStrategy fromToken(String token) {
        String t = token == null ? "" : token.trim().toLowerCase(Locale.ROOT);
        for (SearchStrategy s : values()) {
            if (s.token().equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown strategy '" + token + "'; use 'evolution' or 'random'");
    }
}
