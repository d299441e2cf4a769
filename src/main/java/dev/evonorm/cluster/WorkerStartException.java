package dev.evonorm.cluster;

/** An evaluation worker process could not start; the message names its log. */
public class WorkerStartException extends IllegalStateException {
    public WorkerStartException(String message) {
        super(message);
    }

    public WorkerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
