package dev.evonorm.search;

import dev.evonorm.graph.CanonicalForm;
import dev.evonorm.graph.LayerGraph;
import dev.evonorm.graph.Mutator;
import dev.evonorm.graph.RandomGraphs;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The search loop: regularized (aging) evolution with tournament selection, or random search,
 * over an asynchronous evaluator, recording every candidate in a journal as it finishes.
 *
 * <p>Evolution first proposes the starting layers the user gave, if any, then fills the rest of
 * the population with random candidates that pass every screen (or, with
 * {@link SearchConfig#evolveFrom} below the population size, only its first members); then
 * each proposal is a mutation of the winner of a tournament drawn from the population, and every
 * accepted child pushes out the oldest member. A proposal whose canonical structure (or, with
 * {@link Dedupe#COEFFICIENTS}, its structure up to coefficients) was seen before is recorded as a
 * duplicate without evaluation and does not count against a candidate budget. Rejected and
 * duplicate candidates never join the population.
 *
 * <p>Resuming: the journal is replayed (population, counters, known structures), and proposing
 * continues at the next id. Every proposal draws from a generator derived from (seed, id), so with
 * one worker a resumed run proposes exactly what the uninterrupted run would have.
 */
public final class SearchRun {
    private final SearchConfig config;
    private final Evaluator evaluator;
    private final SearchJournal journal;
    private final SearchListener listener;
    private final AgingPopulation<CandidateRecord> population;
    /** Every proposal so far by its {@link Dedupe} key, to the first candidate with that key. */
    private final Map<String, Long> knownKeys = new HashMap<>();
    private final SearchProgress progress = new SearchProgress();
    private long nextId = 1;
    private volatile boolean stopRequested;

    public enum StopReason { BUDGET, EXHAUSTED, STOPPED }

    public record Outcome(StopReason reason, SearchProgress.Snapshot progress, List<CandidateRecord> population) {
    }

    private record Finished(Proposal proposal, Verdict verdict, EvaluatorFailure evaluatorFailure) {
    }

    private static EvaluatorFailure evaluatorFailure(Throwable error) {
        Throwable t = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return t instanceof EvaluatorFailure ef ? ef : null;
    }

    public SearchRun(SearchConfig config, Evaluator evaluator, SearchJournal journal, SearchListener listener) {
        this.config = config;
        this.evaluator = evaluator;
        this.journal = journal;
        this.listener = listener;
        this.population = new AgingPopulation<>(config.populationSize());
    }

    /** Asks the run to stop proposing; candidates in flight still finish and are recorded. */
    public void requestStop() {
        stopRequested = true;
    }

    public Outcome run() throws InterruptedException {
        for (CandidateRecord r : journal.completed()) {
            apply(r);
            // Live, a proposal's key is noted when it is proposed; replaying, it is noted here.
            knownKeys.putIfAbsent(dedupeKey(r.graph(), r.structuralHash()), r.id());
            nextId = Math.max(nextId, r.id() + 1);
        }
        double before = journal.elapsedSeconds();
        long sessionStart = System.nanoTime();
        listener.onStart(progress.snapshot(before));

        BlockingQueue<Finished> finished = new LinkedBlockingQueue<>();
        Map<Long, Proposal> inFlight = new LinkedHashMap<>();
        int duplicatesInARow = 0;
        StopReason reason = null;
        while (true) {
            while (reason == null && inFlight.size() < evaluator.parallelism()) {
                double elapsed = before + (System.nanoTime() - sessionStart) / 1e9;
                if (stopRequested) {
                    reason = StopReason.STOPPED;
                } else if (config.budget().exhausted(progress.evaluated() + inFlight.size(),
                        Duration.ofMillis((long) (elapsed * 1000)))) {
                    reason = StopReason.BUDGET;
                } else if (duplicatesInARow >= config.maxConsecutiveDuplicates()) {
                    reason = StopReason.EXHAUSTED;
                } else {
                    Proposal p = propose(nextId++);
                    String key = dedupeKey(p.graph(), p.structuralHash());
                    Long original = knownKeys.get(key);
                    if (original != null) {
                        duplicatesInARow++;
                        record(CandidateRecord.duplicate(p, original, config.dedupe()), before, sessionStart);
                        continue;
                    }
                    duplicatesInARow = 0;
                    knownKeys.put(key, p.id());
                    inFlight.put(p.id(), p);
                    evaluator.submit(p).whenComplete((verdict, error) -> finished.add(new Finished(p,
                            error == null ? verdict : Verdict.rejected(Stage.TRAINING, "evaluation failed: " + error,
                                    null, 0, null), evaluatorFailure(error))));
                }
            }
            if (inFlight.isEmpty()) {
                break;
            }
            // Wake up now and then even when nothing finished: the evaluator may take more
            // candidates than before (a cluster node joined), or the time budget may have run out.
            Finished f = finished.poll(1, TimeUnit.SECONDS);
            if (f == null) {
                continue;
            }
            if (f.evaluatorFailure() != null) {
                // Not the candidate's fault: record nothing, so that a resumed run evaluates it.
                throw f.evaluatorFailure();
            }
            inFlight.remove(f.proposal().id());
            record(CandidateRecord.evaluated(f.proposal(), f.verdict()), before, sessionStart);
        }
        Outcome outcome = new Outcome(reason, progress.snapshot(before + (System.nanoTime() - sessionStart) / 1e9),
                population.members());
        listener.onFinish(outcome);
        return outcome;
    }

    private void record(CandidateRecord r, double before, long sessionStart) {
        apply(r);
        double elapsed = before + (System.nanoTime() - sessionStart) / 1e9;
        journal.record(r, population.members().stream().map(CandidateRecord::id).toList());
        journal.saveElapsedSeconds(elapsed);
        listener.onRecorded(r, progress.snapshot(elapsed));
    }

    /** Folds one finished candidate into the counters and the population (used live and when replaying). */
    private void apply(CandidateRecord r) {
        progress.add(r);
        if (r.accepted() && r.wasEvaluated()) {
            population.add(r);
        }
    }

    /** The key under which a graph is known: its structure, or its structure up to coefficients. */
    private String dedupeKey(LayerGraph graph, String structuralHash) {
        return config.dedupe().key(graph, structuralHash);
    }

    /** The proposal with this id, a pure function of (seed, id, population). */
    Proposal propose(long id) {
        if (id <= config.startingLayers().size()) {
            LayerGraph g = config.startingLayers().get((int) (id - 1));
            return new Proposal(id, Origin.START, 0, g, CanonicalForm.structuralHash(g));
        }
        SplittableRandom rng = CandidateSeeds.forCandidate(config.seed(), id);
        if (config.strategy() == SearchStrategy.RANDOM_SEARCH || population.size() < config.evolveFrom()) {
            LayerGraph g = RandomGraphs.generate(config.space(), rng);
            return new Proposal(id, Origin.RANDOM, 0, g, CanonicalForm.structuralHash(g));
        }
        // With the default evolveFrom (the population size) this is always the tournament size.
        int entrants = Math.min(config.tournamentSize(), population.size());
        List<CandidateRecord> tournament = population.sample(entrants, rng);
        CandidateRecord parent = config.selection().winner(new ArrayList<>(tournament), rng);
        LayerGraph child = Mutator.mutate(parent.graph(), config.space(), rng);
        String hash = CanonicalForm.structuralHash(child);
        if (!population.isFull() && knownKeys.containsKey(dedupeKey(child, hash))) {
            // Filling the population from its first few members (--evolve-from): their mutants are
            // soon all known, and a long run of known mutants would end the search as exhausted
            // (seen: 49,000 in a row from three members, two of them one-node layers). A random
            // layer takes the place. A full population, the paper's rule, never gets here.
            LayerGraph g = RandomGraphs.generate(config.space(), rng);
            return new Proposal(id, Origin.RANDOM, 0, g, CanonicalForm.structuralHash(g));
        }
        return new Proposal(id, Origin.MUTATION, parent.id(), child, hash);
    }

    public List<CandidateRecord> population() {
        return population.members();
    }
}
