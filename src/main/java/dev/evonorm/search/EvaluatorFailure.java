package dev.evonorm.search;

/**
 * The evaluator itself can no longer evaluate (e.g. every worker process is gone), as opposed to a
 * candidate failing, which is a rejection. A verdict that completes with this stops the search
 * without recording the candidate, so that a resumed run evaluates it.
 */
public class EvaluatorFailure extends RuntimeException {
    public EvaluatorFailure(String message) {
        super(message);
    }
}
