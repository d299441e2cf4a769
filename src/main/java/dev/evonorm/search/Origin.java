package dev.evonorm.search;

/** How a candidate came about. */
public enum Origin {
    /** Drawn from the search space (initial population, or random search). */
    RANDOM,
    /** A mutation of a tournament winner. */
    MUTATION;

    public String token() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Origin fromToken(String token) {
        return valueOf(token.toUpperCase(java.util.Locale.ROOT));
    }
}
