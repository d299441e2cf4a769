package dev.evonorm.search;

/** How a candidate came about. */
public enum Origin {
    /** Drawn from the search space (initial population, or random search). */
    RANDOM,
    /** A mutation of a tournament winner. */
    MUTATION,
    /** A layer the user gave to start from ({@code --start-from}), proposed before any random one. */
    START;

    public String token() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Origin fromToken(String token) {
        return valueOf(token.toUpperCase(java.util.Locale.ROOT));
    }
}
