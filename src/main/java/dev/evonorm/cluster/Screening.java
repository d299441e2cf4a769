package dev.evonorm.cluster;

import dev.evonorm.screen.EvaluationPipeline.Screened;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import dev.evonorm.search.Proposal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * The screens an evaluator runs in the search process before a candidate goes to a worker, on one
 * thread of their own: the functional cache they consult is the run database's, and the search
 * thread should not wait for them.
 */
final class Screening implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(daemon("evonorm-screen"));
    private final Function<Proposal, Screened> screen;

    Screening(Function<Proposal, Screened> screen) {
        this.screen = screen;
    }

    /**
     * Screens {@code proposal}; a rejection completes the returned verdict at once, a candidate that
     * passes is handed to {@code passed} with the future its training must complete.
     */
    CompletableFuture<Verdict> submit(Proposal proposal, BiConsumer<WorkerProtocol.Request, CompletableFuture<Verdict>> passed) {
        CompletableFuture<Verdict> result = new CompletableFuture<>();
        thread.execute(() -> {
            Screened screened;
            try {
                screened = screen.apply(proposal);
            } catch (RuntimeException e) {
                result.complete(Verdict.rejected(Stage.VALIDITY, "screening failed: " + e, null, 0, null));
                return;
            }
            if (!screened.passed()) {
                result.complete(screened.rejection());
            } else {
                passed.accept(new WorkerProtocol.Request(proposal.id(), proposal.graph(), screened), result);
            }
        });
        return result;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
