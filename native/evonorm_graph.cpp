// The fused graph executor, full-size half: the element-wise nodes of a layer graph that depend on
// x, run row by row over the tensor (GraphBlock, GraphPlan.java).
//
// Within one (sample, channel) row of an NCHW tensor every reduced value of a graph — a statistic,
// v0, v1, the zero node — is one number, so the element-wise nodes that depend on x form a small
// program over scalars and one vector. A *stage* runs such a program row by row, in chunks that
// stay in the L1 cache, with one vectorized loop per instruction, and emits what the rest of the
// graph needs from the full tensor: the per-row means of v and v² of the nodes that an aggregate
// reads, and, in the last stage, the output with the final γ/β. The reduced part between stages
// (evonorm_graph_function.cpp) turns those moments into statistics. A graph with k aggregate
// levels is k+1 stages: k+1 passes over the tensor forward and k+1 backward.
//
// The backward recomputes a chunk's values and runs the program in reverse. Before running, a
// program is compiled (compile()): ops with a reduced operand take it as a per-row scalar, and
// common chains are fused into one pass each way (scale-and-shift by statistics, a unary op of
// one, a max of one against a statistic, the output with a last product or quotient). The
// element-wise kernels are in graph_ops.cpp.
#include "graph_stages.h"
#include "native_common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <vector>

namespace evonorm_graph {

// Values of a chunk of a row for every instruction, and their gradients, stay in the L1/L2 cache
// (≤ 15 slots × 4 KB each); larger chunks mean fewer calls per row.
constexpr int64_t CHUNK = 1024;

namespace {

// A chunk is either a piece of one row (rows longer than CHUNK) or several whole rows (shorter
// ones: late layers of a network have 7×7 planes, and a row at a time would spend more on the
// per-chunk bookkeeping than on the values). Rows are contiguous in memory, so a chunk is one
// contiguous range of x; `segments` says which row each part belongs to.
struct Segment {
    int64_t row;    // (n, c) row index
    int64_t start;  // position within the chunk
    int64_t len;
};

// An internal opcode: two ops with reduced operands fused into one pass each way, a·M + C with M
// and C per row, where the first op's value has no other use. The forms:
//   SCALE_SHIFT  a·m + t        (m = s, or 1/s for a quotient)
//   SHIFT_SCALE  (a + t)·m = a·m + t·m
//   NEG_SHIFT    −a + t
// — the scale-and-shift by statistics that normalization layers are made of. GraphBlock's
// composition collapses the same chains into one affine step, with the same coefficients.
constexpr int AFFINE = 100;
enum AffineForm : int { SCALE_SHIFT = 0, SHIFT_SCALE = 1, NEG_SHIFT = 2, SCALE_ONLY = 3, SHIFT_ONLY = 4 };
// A unary op (in `unary`) of an AFFINE value, or of a single product, quotient or sum with a
// statistic (forms SCALE_ONLY a·m, SHIFT_ONLY a + t): σ(v1·x) of EvoNorm-S0, tanh(x·s)… in one
// pass each way.
constexpr int UNARY_AFFINE = 102;
// An AFFINE whose value only feeds a max against a statistic p (the B-series' denominator, a
// ReLU-like threshold): max(a·M + C, p) in one pass, as p + relu(a·M + C − p). `limit` is p's
// reduced input.
constexpr int AFFINE_MAX = 101;

// An instruction as a stage runs it. An op between a full and a reduced value has its full operand
// in `a` and the reduced input's index (0-based) in `scalar`; otherwise scalar is −1. AFFINE: m's
// reduced input in `scalar` (−1 for NEG_SHIFT), t's in `shift`, `div` when m = 1/s. An elided
// instruction was fused into a later one. In the backward, set_a/set_b say that this is the first
// gradient written to that operand's buffer (it is written, not added: no buffer is cleared).
struct Instr {
    int op;
    int64_t a, b, scalar, shift;
    bool elided, set_a, set_b;
    int form;
    bool div;
    int64_t limit;
    int unary;

    // This row's M and C of an AFFINE instruction.
    void coefficients(const float* reduced, int64_t rows, int64_t row, float& m, float& c) const {
        if (form == SCALE_ONLY) {
            const float s = reduced[scalar * rows + row];
            m = div ? 1.0f / s : s;
            c = 0.0f;
            return;
        }
        const float t = reduced[shift * rows + row];
        if (form == SHIFT_ONLY) {
            m = 1.0f;
            c = t;
            return;
        }
        if (form == NEG_SHIFT) {
            m = -1.0f;
            c = t;
            return;
        }
        const float s = reduced[scalar * rows + row];
        m = div ? 1.0f / s : s;
        c = form == SHIFT_SCALE ? t * m : t;
    }

    // Adds to the reduced inputs' gradients of an AFFINE instruction, from this row's Σ g·a (∂/∂M)
    // and Σ g (∂/∂C).
    void add_gradients(const float* reduced, int64_t rows, int64_t row, float sum_ga, float sum_g,
                       double* g_reduced) const {
        if (form == SCALE_ONLY) {
            const float s = reduced[scalar * rows + row];
            const float m = div ? 1.0f / s : s;
            g_reduced[scalar * rows + row] += div ? -sum_ga * m * m : sum_ga;
            return;
        }
        if (form == NEG_SHIFT || form == SHIFT_ONLY) {
            g_reduced[shift * rows + row] += sum_g;
            return;
        }
        const float s = reduced[scalar * rows + row], t = reduced[shift * rows + row];
        const float m = div ? 1.0f / s : s;
        // SHIFT_SCALE: C = t·m, so ∂/∂t = m·Σg and ∂/∂m gains t·Σg.
        const float g_m = form == SHIFT_SCALE ? sum_ga + t * sum_g : sum_ga;
        g_reduced[shift * rows + row] += form == SHIFT_SCALE ? m * sum_g : sum_g;
        g_reduced[scalar * rows + row] += div ? -g_m * m * m : g_m;  // m = 1/s: ∂/∂s = ∂/∂m·(−m²)
    }
};

// A stage's program as run: the instructions, how the output is made, and which seeds of the
// backward write first.
// How the output's γ/β are applied: to the output's value (PLAIN), or fused with the instruction
// that makes it, when nothing else reads that value: a product with or quotient by a reduced value
// folds into γ (SCALED: y = a·(m·γ) + β), a quotient of two full values is one pass each way
// (QUOTIENT: y = a/b·γ + β, its backward with one division instead of three).
enum OutputForm : int { PLAIN = 0, SCALED = 1, QUOTIENT = 2 };

struct StageCode {
    std::vector<Instr> code;
    OutputForm output_form = PLAIN;
    Instr output{};  // the fused instruction (SCALED, QUOTIENT), elided in `code`
    bool set_output = false;
    std::vector<bool> set_moment;
    bool x_written = false;  // false: x's gradient is not written by this stage (none, or added)
};

// x_accumulates: x's gradient is added to what earlier stages wrote (no first write sets it).
StageCode compile(const StageProgram& p, bool x_accumulates) {
    StageCode out;
    const int64_t k = p.reduced_count;
    auto reduced = [k](int64_t slot) { return slot >= 1 && slot <= k; };
    for (int64_t i = 0; i < p.size(); i++) {
        Instr in{static_cast<int>(p.code[3 * i]), p.code[3 * i + 1], p.code[3 * i + 2], -1, -1, false, false, false, 0, false, -1, 0};
        const int64_t self = 1 + k + i;
        if (in.a < 0 || in.a >= self || (!is_unary(in.op) && (in.b < 0 || in.b >= self))) {
            throw std::invalid_argument("graph plan: an operand that is not computed before its instruction");
        }
        if (is_unary(in.op)) {
            if (reduced(in.a)) throw std::invalid_argument("graph plan: a unary op on a reduced value in a stage");
        } else if (reduced(in.a) && reduced(in.b)) {
            throw std::invalid_argument("graph plan: an op between two reduced values in a stage");
        } else if (reduced(in.b)) {
            in.scalar = in.b - 1;
            if (in.op == MAX) in.op = MAX_REDUCED;
        } else if (reduced(in.a)) {
            in.scalar = in.a - 1;
            in.a = in.b;
            if (in.op == DIV) in.op = RDIV;
            if (in.op == MAX) in.op = MAX_REDUCED;
        } else if (in.op == MAX_REDUCED) {
            throw std::invalid_argument("graph plan: max against a reduced value without one");
        }
        out.code.push_back(in);
    }
    // Fuse pairs of ops with reduced operands into AFFINE where the first one's value has no other use.
    std::vector<int> uses(p.slots(), 0);
    for (const Instr& in : out.code) {
        uses[in.a]++;
        if (!is_unary(in.op) && in.scalar < 0) uses[in.b]++;
    }
    for (int64_t m : p.moments) uses[m]++;
    if (p.output >= 0) uses[p.output]++;
    auto scalar_op = [](const Instr& in, int op) { return in.op == op && in.scalar >= 0; };
    // The live instruction that makes `in`'s first operand when `in` is its only reader, else null.
    auto sole_producer = [&](const Instr& in) -> Instr* {
        if (in.elided || in.a <= k || uses[in.a] != 1) return nullptr;
        Instr& producer = out.code[in.a - 1 - k];
        return producer.elided ? nullptr : &producer;
    };
    for (Instr& second : out.code) {
        Instr* first_ptr = sole_producer(second);
        if (first_ptr == nullptr) continue;
        Instr& first_op = *first_ptr;
        const bool second_add = scalar_op(second, ADD);
        const bool second_scale = scalar_op(second, MUL) || scalar_op(second, DIV);
        if (second_add && (scalar_op(first_op, MUL) || scalar_op(first_op, DIV))) {
            second.form = SCALE_SHIFT;
            second.div = first_op.op == DIV;
            second.shift = second.scalar;
            second.scalar = first_op.scalar;
        } else if (second_scale && scalar_op(first_op, ADD)) {
            second.form = SHIFT_SCALE;
            second.div = second.op == DIV;
            second.shift = first_op.scalar;
        } else if (second_add && first_op.op == NEG) {
            second.form = NEG_SHIFT;
            second.shift = second.scalar;
            second.scalar = -1;
        } else {
            continue;
        }
        second.op = AFFINE;
        second.a = first_op.a;
        first_op.elided = true;
    }
    for (Instr& f : out.code) {
        Instr* inner_ptr = is_unary(f.op) ? sole_producer(f) : nullptr;
        if (inner_ptr == nullptr) continue;
        Instr& inner = *inner_ptr;
        const int unary = f.op;
        if (inner.op == AFFINE) {
            f = inner;
        } else if (scalar_op(inner, MUL) || scalar_op(inner, DIV)) {
            f = inner;
            f.form = SCALE_ONLY;
            f.div = inner.op == DIV;
        } else if (scalar_op(inner, ADD)) {
            f = inner;
            f.form = SHIFT_ONLY;
            f.shift = inner.scalar;
            f.scalar = -1;
        } else {
            continue;
        }
        f.op = UNARY_AFFINE;
        f.unary = unary;
        inner.elided = true;
    }
    for (Instr& max : out.code) {
        Instr* affine_ptr = max.op == MAX_REDUCED ? sole_producer(max) : nullptr;
        if (affine_ptr == nullptr || affine_ptr->op != AFFINE) continue;
        Instr& affine = *affine_ptr;
        const int64_t limit = max.scalar;
        max = affine;
        max.op = AFFINE_MAX;
        max.limit = limit;
        affine.elided = true;
    }
    if (p.output > k && uses[p.output] == 1) {
        Instr& last = out.code[p.output - 1 - k];
        const bool scaled = (last.op == MUL || last.op == DIV) && last.scalar >= 0;
        const bool quotient = last.op == DIV && last.scalar < 0 && last.a != last.b;
        if (!last.elided && (scaled || quotient)) {
            out.output_form = scaled ? SCALED : QUOTIENT;
            out.output = last;
            last.elided = true;
        }
    }
    // The order of the backward's writes: the output's seed, the moments' seeds, the instructions
    // in reverse. The first write to a buffer sets it.
    std::vector<bool> written(p.slots(), false);
    written[0] = x_accumulates;
    auto first = [&written](int64_t slot) {
        const bool set = !written[slot];
        written[slot] = true;
        return set;
    };
    if (out.output_form == PLAIN && p.output >= 0) out.set_output = first(p.output);
    if (out.output_form != PLAIN) {
        out.output.set_a = first(out.output.a);
        if (out.output_form == QUOTIENT) out.output.set_b = first(out.output.b);
    }
    for (int64_t m : p.moments) out.set_moment.push_back(first(m));
    for (int64_t i = static_cast<int64_t>(out.code.size()) - 1; i >= 0; i--) {
        Instr& in = out.code[i];
        if (in.elided) continue;
        in.set_a = first(in.a);
        if (in.op >= ADD && in.op <= MAX && in.scalar < 0) in.set_b = first(in.b);  // two full operands
    }
    out.x_written = written[0] && !x_accumulates;
    return out;
}

// The values of one chunk: vals[0] is x's range, vals[slot] an instruction's output (reduced
// inputs have none: instructions read them per row as scalars).
struct ChunkValues {
    const StageCode& program;
    const int64_t reduced_count;
    std::vector<const float*> vals;
    std::vector<float> scratch;  // instruction outputs, CHUNK each

    // `code` is compile(p), made before the parallel region (it throws on a bad plan).
    ChunkValues(const StageProgram& p, const StageCode& code)
        : program(code), reduced_count(p.reduced_count), vals(p.slots(), nullptr), scratch(p.size() * CHUNK) {}

    int64_t first_instruction_slot() const { return 1 + reduced_count; }

    void compute(const float* x, const float* reduced, int64_t rows, const std::vector<Segment>& segments, int64_t n) {
        vals[0] = x;
        for (size_t i = 0; i < program.code.size(); i++) {
            const Instr& in = program.code[i];
            if (in.elided) continue;
            float* o = scratch.data() + i * CHUNK;
            if (is_unary(in.op)) {
                run_unary(in.op, vals[in.a], o, n);
            } else if (in.op == AFFINE || in.op == AFFINE_MAX || in.op == UNARY_AFFINE) {
                for (const Segment& sg : segments) {
                    float m, c;
                    in.coefficients(reduced, rows, sg.row, m, c);
                    if (in.op == AFFINE) {
                        run_affine(vals[in.a] + sg.start, m, c, o + sg.start, sg.len);
                    } else if (in.op == UNARY_AFFINE) {
                        run_unary_affine(in.unary, vals[in.a] + sg.start, m, c, o + sg.start, sg.len);
                    } else {
                        run_affine_max(vals[in.a] + sg.start, m, c, reduced[in.limit * rows + sg.row], o + sg.start, sg.len);
                    }
                }
            } else if (in.scalar < 0) {
                run_binary(in.op, vals[in.a], vals[in.b], o, n);
            } else {
                for (const Segment& sg : segments) {
                    run_scalar(in.op, vals[in.a] + sg.start, reduced[in.scalar * rows + sg.row], o + sg.start, sg.len);
                }
            }
            vals[first_instruction_slot() + i] = o;
        }
    }
};

// Gradients of one chunk: one buffer per instruction; x's is the chunk's range of the gradient
// tensor itself (set with `at`), written or added to directly.
struct ChunkGradients {
    const int64_t reduced_count;
    std::vector<float> buffer;
    float* x = nullptr;

    explicit ChunkGradients(const StageProgram& p) : reduced_count(p.reduced_count), buffer(p.size() * CHUNK) {}

    void at(float* gx_chunk) { x = gx_chunk; }

    float* of(int64_t slot) { return slot == 0 ? x : buffer.data() + (slot - reduced_count - 1) * CHUNK; }
};

// Rows per chunk and chunks per row; work is split over groups of rows, so that every row is
// handled by one thread (per-row sums need no locking).
struct Tiling {
    int64_t rows, hw, rows_per_group, groups;

    Tiling(int64_t rows_, int64_t hw_) : rows(rows_), hw(hw_) {
        rows_per_group = hw >= CHUNK ? 1 : CHUNK / hw;
        groups = (rows + rows_per_group - 1) / rows_per_group;
    }

    // The chunks of group g, one after another: fills `segments` and returns the chunk's first
    // element (offset into the tensor) and length, for chunk index `k`; false when done.
    bool chunk(int64_t g, int64_t k, std::vector<Segment>& segments, int64_t& first, int64_t& len) const {
        segments.clear();
        const int64_t row0 = g * rows_per_group;
        if (rows_per_group == 1) {
            const int64_t off = k * CHUNK;
            if (off >= hw) return false;
            len = std::min(CHUNK, hw - off);
            first = row0 * hw + off;
            segments.push_back({row0, 0, len});
            return true;
        }
        if (k > 0) return false;
        const int64_t count = std::min(rows_per_group, rows - row0);
        for (int64_t r = 0; r < count; r++) segments.push_back({row0 + r, r * hw, hw});
        first = row0 * hw;
        len = count * hw;
        return true;
    }
};

}  // namespace

void stage_forward(const StageProgram& p, const Rows& shape, const float* px, const float* pr,
                   const float* pg, const float* pb, float* py, double* pm) {
    const int64_t rows = shape.rows(), hw = shape.hw, c = shape.c;
    const int64_t m_count = static_cast<int64_t>(p.moments.size());
    const bool write_output = p.output >= 0 && py != nullptr;
    const StageCode code = compile(p, false);
    const Tiling tiling(rows, hw);
#pragma omp parallel num_threads(evonorm_native::threads())
    {
        ChunkValues v(p, code);
        std::vector<Segment> segments;
        std::vector<double> sums(2 * m_count * tiling.rows_per_group);
#pragma omp for schedule(static)
        for (int64_t grp = 0; grp < tiling.groups; grp++) {
            std::fill(sums.begin(), sums.end(), 0.0);
            const int64_t row0 = grp * tiling.rows_per_group;
            int64_t first = 0, len = 0;
            for (int64_t k = 0; tiling.chunk(grp, k, segments, first, len); k++) {
                v.compute(px + first, pr, rows, segments, len);
                for (const Segment& sg : segments) {
                    const int64_t local = sg.row - row0;
                    for (int64_t m = 0; m < m_count; m++) {
                        add_sums(v.vals[p.moments[m]] + sg.start, sg.len, sums[(local * m_count + m) * 2],
                                 sums[(local * m_count + m) * 2 + 1]);
                    }
                    if (write_output) {
                        const int64_t ch = sg.row % c;
                        float* dst = py + first + sg.start;
                        const Instr& o = code.output;
                        switch (code.output_form) {
                            case PLAIN:
                                scale_shift(v.vals[p.output] + sg.start, dst, sg.len, pg[ch], pb[ch]);
                                break;
                            case SCALED: {
                                const float s = pr[o.scalar * rows + sg.row];
                                scale_shift(v.vals[o.a] + sg.start, dst, sg.len, (o.op == MUL ? s : 1.0f / s) * pg[ch], pb[ch]);
                                break;
                            }
                            case QUOTIENT:
                                quotient_out(v.vals[o.a] + sg.start, v.vals[o.b] + sg.start, dst, sg.len, pg[ch], pb[ch]);
                                break;
                        }
                    }
                }
            }
            const int64_t count = std::min(tiling.rows_per_group, rows - row0);
            for (int64_t local = 0; local < count; local++) {
                for (int64_t m = 0; m < m_count; m++) {
                    pm[(2 * m) * rows + row0 + local] = sums[(local * m_count + m) * 2] / hw;
                    pm[(2 * m + 1) * rows + row0 + local] = sums[(local * m_count + m) * 2 + 1] / hw;
                }
            }
        }
    }
}

namespace {

// One stage's backward over one chunk, after v.compute: seeds the gradients of the output (gy·γ)
// and of the emitted moments, runs the program in reverse, and leaves x's gradient in
// grad.of(0) (when the stage gives x one). Adds the reduced inputs' gradients (per row) into
// g_reduced, and γ's and β's per row into g_gamma_rows / g_beta_rows.
struct ChunkBackward {
    const StageProgram& p;
    const StageCode& code;
    const Rows& shape;
    const float* reduced;
    const float* gamma;
    const float* gy;         // null: no output gradient
    const double* gmoments;  // null: no moment gradients

    void run(ChunkValues& v, ChunkGradients& grad, std::vector<float>& twin, const std::vector<Segment>& segments,
             int64_t first, int64_t len, double* g_reduced, double* g_gamma_rows, double* g_beta_rows) const {
        const int64_t rows = shape.rows(), hw = shape.hw, c = shape.c;
        for (const Segment& sg : segments) {
            if (gy != nullptr) {
                const float* gys = gy + first + sg.start;
                const float gm = gamma[sg.row % c];
                const Instr& o = code.output;
                switch (code.output_form) {
                    case PLAIN:
                        scale_shift_backward(gys, v.vals[p.output] + sg.start, grad.of(p.output) + sg.start,
                                             code.set_output, sg.len, gm, g_gamma_rows[sg.row], g_beta_rows[sg.row]);
                        break;
                    case SCALED: {
                        // y = a·m·γ + β, m = s or 1/s: Σ gy·a gives γ's gradient (times m) and s's.
                        const int64_t at = o.scalar * rows + sg.row;
                        const float m = o.op == MUL ? reduced[at] : 1.0f / reduced[at];
                        double sum_a = 0.0;
                        scale_shift_backward(gys, v.vals[o.a] + sg.start, grad.of(o.a) + sg.start, o.set_a, sg.len,
                                             m * gm, sum_a, g_beta_rows[sg.row]);
                        g_gamma_rows[sg.row] += m * sum_a;
                        g_reduced[at] += o.op == MUL ? gm * sum_a : -gm * sum_a * m * m;
                        break;
                    }
                    case QUOTIENT:
                        quotient_out_backward(gys, v.vals[o.a] + sg.start, v.vals[o.b] + sg.start, grad.of(o.a) + sg.start,
                                              o.set_a, grad.of(o.b) + sg.start, o.set_b, sg.len, gm, g_gamma_rows[sg.row],
                                              g_beta_rows[sg.row]);
                        break;
                }
            }
            if (gmoments != nullptr) {
                for (size_t m = 0; m < p.moments.size(); m++) {
                    const float g_mean = static_cast<float>(gmoments[(2 * m) * rows + sg.row] / hw);
                    const float g_square = static_cast<float>(2.0 * gmoments[(2 * m + 1) * rows + sg.row] / hw);
                    const int64_t slot = p.moments[m];
                    moments_backward(v.vals[slot] + sg.start, grad.of(slot) + sg.start, code.set_moment[m], sg.len,
                                     g_mean, g_square);
                }
            }
        }
        for (int64_t i = static_cast<int64_t>(code.code.size()) - 1; i >= 0; i--) {
            const Instr& in = code.code[i];
            if (in.elided) continue;
            const int64_t self = v.first_instruction_slot() + i;
            const float* gi = grad.of(self);
            if (is_unary(in.op)) {
                back_unary(in.op, v.vals[in.a], v.vals[self], gi, grad.of(in.a), in.set_a, len);
            } else if (in.op == AFFINE || in.op == AFFINE_MAX || in.op == UNARY_AFFINE) {
                for (const Segment& sg : segments) {
                    float m, c, sum_ga = 0.0f, sum_g = 0.0f;
                    in.coefficients(reduced, rows, sg.row, m, c);
                    if (in.op == AFFINE) {
                        back_affine(v.vals[in.a] + sg.start, m, gi + sg.start, grad.of(in.a) + sg.start, in.set_a,
                                    sg.len, sum_ga, sum_g);
                    } else if (in.op == UNARY_AFFINE) {
                        back_unary_affine(in.unary, v.vals[in.a] + sg.start, m, c, v.vals[self] + sg.start, gi + sg.start,
                                          grad.of(in.a) + sg.start, in.set_a, sg.len, sum_ga, sum_g);
                    } else {
                        const int64_t at = in.limit * rows + sg.row;
                        float sum_limit = 0.0f;
                        back_affine_max(v.vals[in.a] + sg.start, m, c, reduced[at], gi + sg.start, grad.of(in.a) + sg.start,
                                        in.set_a, sg.len, sum_ga, sum_g, sum_limit);
                        g_reduced[at] += sum_limit;
                    }
                    in.add_gradients(reduced, rows, sg.row, sum_ga, sum_g, g_reduced);
                }
            } else if (in.scalar >= 0) {
                for (const Segment& sg : segments) {
                    const int64_t at = in.scalar * rows + sg.row;
                    g_reduced[at] += back_scalar(in.op, v.vals[in.a] + sg.start, reduced[at], gi + sg.start,
                                                 grad.of(in.a) + sg.start, in.set_a, sg.len);
                }
            } else if (in.a != in.b) {
                back_binary(in.op, v.vals[in.a], v.vals[in.b], gi, grad.of(in.a), in.set_a, grad.of(in.b), in.set_b, len);
            } else {
                // One value on both sides (v·v, v + v): the second gradient goes through a buffer
                // of its own, the loops assume their outputs do not overlap.
                back_binary(in.op, v.vals[in.a], v.vals[in.a], gi, grad.of(in.a), in.set_a, twin.data(), true, len);
                add_into(grad.of(in.a), twin.data(), len);
            }
        }
    }
};

}  // namespace

void stage_backward(const StageProgram& p, const Rows& shape, const float* px, const float* pr,
                    const float* pg, const float* pgy, const double* pgm, float* pgx, bool add_to_gx,
                    double* g_reduced, double* g_gamma_rows, double* g_beta_rows) {
    const StageCode code = compile(p, add_to_gx);
    const Tiling tiling(shape.rows(), shape.hw);
    const ChunkBackward back{p, code, shape, pr, pg, p.output >= 0 ? pgy : nullptr, pgm};
#pragma omp parallel num_threads(evonorm_native::threads())
    {
        ChunkValues v(p, code);
        ChunkGradients grad(p);
        std::vector<Segment> segments;
        std::vector<float> twin(CHUNK);
#pragma omp for schedule(static)
        for (int64_t grp = 0; grp < tiling.groups; grp++) {
            int64_t first = 0, len = 0;
            for (int64_t k = 0; tiling.chunk(grp, k, segments, first, len); k++) {
                v.compute(px + first, pr, shape.rows(), segments, len);
                grad.at(pgx + first);
                back.run(v, grad, twin, segments, first, len, g_reduced, g_gamma_rows, g_beta_rows);
                if (!add_to_gx && !code.x_written) std::fill(pgx + first, pgx + first + len, 0.0f);
            }
        }
    }
}

}  // namespace evonorm_graph
