package dev.evonorm.search;

import dev.evonorm.graph.LayerGraph;
import dev.evonorm.screen.Stage;
import dev.evonorm.screen.Verdict;

/**
 * A finished candidate, as the search records it. {@code duplicateOf} is the id of an earlier
 * candidate with the same canonical structure (0 if none); such a candidate is not evaluated again.
 */
public record CandidateRecord(long id, Origin origin, long parentId, LayerGraph graph, String structuralHash,
                              long duplicateOf, Verdict verdict) implements Scored {

    public static CandidateRecord evaluated(Proposal p, Verdict verdict) {
        return new CandidateRecord(p.id(), p.origin(), p.parentId(), p.graph(), p.structuralHash(), 0, verdict);
    }

    public static CandidateRecord structuralDuplicate(Proposal p, long original) {
        return duplicate(p, original, Dedupe.STRUCTURE);
    }

    /** A proposal the search did not evaluate: by {@code dedupe}'s rule it repeats candidate {@code original}. */
    public static CandidateRecord duplicate(Proposal p, long original, Dedupe dedupe) {
        Verdict v = Verdict.rejected(Stage.DUPLICATE, dedupe.reason(original), null, 0, null);
        return new CandidateRecord(p.id(), p.origin(), p.parentId(), p.graph(), p.structuralHash(), original, v);
    }

    public boolean accepted() {
        return verdict.isAccepted();
    }

    /** True when the candidate went through the evaluator (and so counts against the budget). */
    public boolean wasEvaluated() {
        return duplicateOf == 0;
    }

    @Override
    public double[] accuracies() {
        return verdict.accuracies();
    }
}
