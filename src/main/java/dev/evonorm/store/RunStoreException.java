package dev.evonorm.store;

/** The run database cannot be used as asked; the message names the file and the fix. */
public class RunStoreException extends RuntimeException {
    public RunStoreException(String message) {
        super(message);
    }

    public RunStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
