package dev.evonorm.search;

import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * One in-process worker thread running a synchronous evaluation. An exception escaping the
 * evaluation (a bug, or an engine failure nobody anticipated) becomes a rejection that names it, so
 * one bad candidate never stops a search.
 */
public final class InProcessEvaluator implements Evaluator {
    private final Function<Proposal, Verdict> evaluation;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "evonorm-evaluator");
        t.setDaemon(true);
        return t;
    });

    public InProcessEvaluator(Function<Proposal, Verdict> evaluation) {
        this.evaluation = evaluation;
    }

    @Override
    public CompletableFuture<Verdict> submit(Proposal proposal) {
        return CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                return evaluation.apply(proposal);
            } catch (RuntimeException | Error e) {
                if (e instanceof VirtualMachineError vme && !(e instanceof OutOfMemoryError)) {
                    throw vme;
                }
                return Verdict.rejected(Stage.TRAINING, "evaluation failed: " + e, null,
                        (System.nanoTime() - start) / 1e9, null);
            }
        }, worker);
    }

    @Override
    public int parallelism() {
        return 1;
    }

    @Override
    public void close() {
        worker.shutdownNow();
    }
}
