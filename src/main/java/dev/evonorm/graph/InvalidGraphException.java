package dev.evonorm.graph;

/** A layer graph (or its JSON) breaks a rule of the search space. The message names the fix. */
public class InvalidGraphException extends IllegalArgumentException {
    public InvalidGraphException(String message) {
        super(message);
    }

    public InvalidGraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
