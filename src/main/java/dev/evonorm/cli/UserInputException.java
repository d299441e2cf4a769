package dev.evonorm.cli;

/** A problem with what the user asked for (a path, a name, a setting); the message names the fix. */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
