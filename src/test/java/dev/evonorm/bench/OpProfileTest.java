package dev.evonorm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evonorm.bench.OpProfile.Op;
import dev.evonorm.bench.OpProfile.Phase;
import dev.evonorm.layers.LayerOptions;
import dev.evonorm.layers.Layers;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpProfileTest {

    private static Optional<Op> row(List<Op> ops, String name, Phase phase) {
        return ops.stream().filter(o -> o.name().equals(name) && o.phase() == phase).findFirst();
    }

    @Test
    void selfTimesSubtractChildrenAndBackwardIsWhatRunsInsideAutogradsEngine() throws Exception {
        // Two steps of: a forward mul that allocates, then its backward inside the autograd engine;
        // a second thread's op overlaps in time but is not anyone's child; a metadata event is ignored.
        String trace = """
                [
                 {"ph": "X", "name": "aten::mul", "tid": 1, "ts": 0, "dur": 10, "shape": [[64, 32, 32, 32], [1, 32, 1, 1], []]},
                 {"ph": "X", "name": "aten::empty", "tid": 1, "ts": 1, "dur": 2, "shape": [[], []]},
                 {"ph": "X", "name": "autograd::engine::evaluate_function: MulBackward0", "tid": 1, "ts": 20, "dur": 30},
                 {"ph": "X", "name": "MulBackward0", "tid": 1, "ts": 21, "dur": 28},
                 {"ph": "X", "name": "aten::mul", "tid": 1, "ts": 22, "dur": 20, "shape": [[64, 32, 32, 32], [1, 32, 1, 1]]},
                 {"ph": "X", "name": "aten::sum", "tid": 2, "ts": 23, "dur": 5, "shape": [[8]]},
                 {"ph": "M", "name": "process_name", "tid": 1, "ts": 0},
                 {"ph": "X", "name": "aten::mul", "tid": 1, "ts": 100, "dur": 6, "shape": [[64, 32, 32, 32], [1, 32, 1, 1]]}
                ]""";
        List<Op> ops = OpProfile.aggregate(new ObjectMapper().readTree(trace), 2);

        Op forwardMul = row(ops, "aten::mul", Phase.FORWARD).orElseThrow();
        assertEquals("64×32×32×32, 1×32×1×1", forwardMul.shapes());
        assertEquals(1.0, forwardMul.callsPerStep(), 1e-12);
        assertEquals((8 + 6) / 2.0 / 1000, forwardMul.selfMsPerStep(), 1e-12);

        Op backwardMul = row(ops, "aten::mul", Phase.BACKWARD).orElseThrow();
        assertEquals(0.5, backwardMul.callsPerStep(), 1e-12);
        assertEquals(20 / 2.0 / 1000, backwardMul.selfMsPerStep(), 1e-12);
        assertEquals(8 / 2.0 / 1000, row(ops, "MulBackward0", Phase.BACKWARD).orElseThrow().selfMsPerStep(), 1e-12);
        assertEquals(2 / 2.0 / 1000,
                row(ops, "autograd::engine::evaluate_function: MulBackward0", Phase.BACKWARD).orElseThrow().selfMsPerStep(), 1e-12);
        assertEquals(2 / 2.0 / 1000, row(ops, "aten::empty", Phase.FORWARD).orElseThrow().selfMsPerStep(), 1e-12);
        Op otherThread = row(ops, "aten::sum", Phase.FORWARD).orElseThrow();
        assertEquals(5 / 2.0 / 1000, otherThread.selfMsPerStep(), 1e-12);
        assertEquals("8", otherThread.shapes());

        // Nothing is counted twice: the self times add up to the outermost events' durations.
        double total = ops.stream().mapToDouble(Op::selfMsPerStep).sum();
        assertEquals((10 + 30 + 5 + 6) / 2.0 / 1000, total, 1e-12);
        assertEquals(List.copyOf(ops), ops.stream()
                .sorted((a, b) -> Double.compare(b.selfMsPerStep(), a.selfMsPerStep())).toList(), "most self time first");
    }

    @Test
    void aRealProfileNamesEachLayersKernelsInTheirPhase() {
        Shape shape = new Shape(4, 8, 3, 3);
        // The composed form: the fused kernel (the default where it is loaded) runs no aten ops of its own.
        OpProfile.Result s0 = OpProfile.run("evonorm-s0-ops", LayerBench.factory("evonorm-s0-ops", LayerOptions.defaults()), shape, 1, 2);
        assertTrue(row(s0.ops(), "aten::sigmoid", Phase.FORWARD).isPresent(), s0.report(50));
        assertTrue(row(s0.ops(), "aten::sigmoid_backward", Phase.BACKWARD).isPresent(), s0.report(50));
        assertTrue(row(s0.ops(), "aten::sigmoid_backward", Phase.FORWARD).isEmpty(), s0.report(50));
        assertEquals(1.0, row(s0.ops(), "aten::sigmoid", Phase.FORWARD).orElseThrow().callsPerStep(), 1e-12);
        assertTrue(s0.selfMsPerStep(Phase.FORWARD) > 0 && s0.selfMsPerStep(Phase.BACKWARD) > 0, s0.report(50));

        OpProfile.Result bn = OpProfile.run("bn-relu", Layers.factory("bn-relu"), shape, 1, 2);
        assertTrue(row(bn.ops(), "aten::native_batch_norm", Phase.FORWARD).isPresent(), bn.report(50));
        assertTrue(row(bn.ops(), "aten::native_batch_norm_backward", Phase.BACKWARD).isPresent(), bn.report(50));
        assertTrue(row(bn.ops(), "aten::sigmoid", Phase.FORWARD).isEmpty(), bn.report(50));

        String report = bn.report(3);
        assertTrue(report.contains("| aten::native_batch_norm | forward | 4×8×3×3"), report);
        assertTrue(report.contains("other rows"), report);
    }
}
