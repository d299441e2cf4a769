package dev.evonorm.data;

/**
 * A download that did not produce a verified file. The locator turns it into the user-facing line
 * that also names the other ways of providing the data.
 */
public class DownloadFailedException extends DataException {
    public DownloadFailedException(String message) {
        super(message);
    }

    public DownloadFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
