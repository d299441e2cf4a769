package dev.evonorm.search;

import dev.evonorm.screen.Verdict;
import java.util.concurrent.CompletableFuture;

/**
 * Evaluates candidates asynchronously: submit a proposal, get its verdict later. The search keeps
 * up to {@link #parallelism()} candidates in flight, so a pool of worker processes can serve it
 * (DJL records gradients for one thread per JVM, so parallel training means several processes).
 * A verdict never completes exceptionally for a bad candidate; a failing candidate is a rejection.
 */
public interface Evaluator extends AutoCloseable {

    CompletableFuture<Verdict> submit(Proposal proposal);

    /** How many candidates may be in flight at once. */
    int parallelism();

    /** A few words on the evaluator's state for the search's status line; empty when there is nothing to say. */
    default String status() {
        return "";
    }

    @Override
    void close();
}
