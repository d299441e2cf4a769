// A fused executor for the full-size part of any layer graph (GraphBlock), with its own backward.
//
// Within one (sample, channel) row of an NCHW tensor every reduced value of a graph — a statistic,
// v0, v1, the zero node — is one number, so the element-wise nodes that depend on x form a small
// program over scalars and one vector. A *stage* runs such a program row by row, in chunks that
// stay in the L1 cache, with one vectorized loop per instruction, and emits what the rest of the
// graph needs from the full tensor: the per-row means of v and v² of the nodes that an aggregate
// reads, and, in the last stage, the output with the final γ/β. The reduced part of the graph
// (aggregates, running statistics, ops between statistics) stays in DJL's ops in Java
// (GraphStages.java), so a graph with k aggregate levels is k+1 stages: k+1 passes forward and
// k+1 backward, instead of one or more full-size kernels per node and per gradient.
//
// The backward recomputes a chunk's values and runs the program in reverse. Each instruction's
// value and gradient follow what GraphBlock computes with PyTorch's ops, including its rewrites:
// max against a reduced p is p + relu(u − p) (the gradient goes to p on a tie), max of two full
// values is torch.maximum (ties share the gradient, NaN propagates), signed_sqrt of a value known
// to be non-negative is sqrt, and sign(0) = 0 in signed_log/signed_sqrt/abs.
#include <jni.h>

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include "native_common.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The instruction set; GraphStages.java emits the same numbers.
enum Op : int {
    NEG = 0, SIGMOID = 1, TANH = 2, EXP = 3, SIGNED_LOG = 4, ABS = 5, SQUARE = 6, SQRT = 7,
    SIGNED_SQRT = 8, ADD = 9, MUL = 10, DIV = 11, MAX = 12, MAX_REDUCED = 13
};

// Values of a chunk of a row for every instruction, and their gradients, stay in the L1/L2 cache
// (≤ 15 slots × 4 KB each); larger chunks mean fewer calls per row.
constexpr int64_t CHUNK = 1024;

// ---------------------------------------------------------------------------------------------
// Vectorizable float functions over the whole range (the S kernels' e^x saturates instead).
// Relative error ≈ 2e-7 where the result is a normal float.

__attribute__((always_inline)) inline float exp_full(float x) {
    const float c = x < -87.0f ? -87.0f : (88.0f < x ? 88.0f : x);
    float e = evonorm_native::exp_core(c);
    // Past the ends: +∞ and 0 as e^x gives them in float (the subnormal tail becomes 0).
    e = x > 88.7228f ? std::numeric_limits<float>::infinity() : e;
    e = x < -87.3365f ? 0.0f : e;
    return e;
}

// ln(x) for x ≥ 0: ln 0 = −∞, ln ∞ = ∞, NaN stays NaN; x = m·2^e with m in [√½, √2), then
// ln m = 2·atanh((m−1)/(m+1)) as an odd polynomial. Subnormal inputs are taken as 0.
__attribute__((always_inline)) inline float log_nonneg(float x) {
    int bits;
    std::memcpy(&bits, &x, sizeof bits);
    int e = ((bits >> 23) & 0xff) - 127;
    int mbits = (bits & 0x007fffff) | 0x3f800000;
    float m;
    std::memcpy(&m, &mbits, sizeof m);
    const bool big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    e = big ? e + 1 : e;
    const float s = (m - 1.0f) / (m + 1.0f);
    const float s2 = s * s;
    float p = 0.2222222222f;
    p = p * s2 + 0.2857142857f;
    p = p * s2 + 0.4f;
    p = p * s2 + 0.6666666667f;
    p = p * s2 + 2.0f;
    float l = s * p + static_cast<float>(e) * 0.69314718056f;
    l = x < 1.17549435e-38f ? -std::numeric_limits<float>::infinity() : l;
    l = x == std::numeric_limits<float>::infinity() ? x : l;
    l = x != x ? x : l;
    return l;
}

__attribute__((always_inline)) inline float tanh_full(float x) {
    const float a = x < 0.0f ? -x : x;
    // Near 0 the odd series (error < 2e-8 below 0.3); beyond, 1 − 2/(e^{2a} + 1).
    const float x2 = x * x;
    float p = 0.0218694885f;
    p = p * x2 - 0.0539682540f;
    p = p * x2 + 0.1333333333f;
    p = p * x2 - 0.3333333333f;
    const float small = x + x * x2 * p;
    const float t = 1.0f - 2.0f / (exp_full(2.0f * a) + 1.0f);
    const float large = x < 0.0f ? -t : t;
    return a < 0.3f ? small : large;  // a NaN takes `large`, which is NaN
}

__attribute__((always_inline)) inline float sign_of(float v) {
    return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : v * 0.0f);  // sign(0) = 0, sign(NaN) = NaN
}

// ---------------------------------------------------------------------------------------------
// One instruction over a chunk. Operands: a full operand is an array, a reduced one a number
// (pointer null). The op's value goes to `out`.

#define EVONORM_CLONES __attribute__((target_clones("avx2", "default")))

EVONORM_CLONES
void run_unary(int op, const float* a, float* out, int64_t n) {
    switch (op) {
        case NEG:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = -a[i];
            break;
        case SIGMOID:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = 1.0f / (1.0f + exp_full(-a[i]));
            break;
        case TANH:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = tanh_full(a[i]);
            break;
        case EXP:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = exp_full(a[i]);
            break;
        case SIGNED_LOG:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = sign_of(a[i]) * log_nonneg(a[i] < 0.0f ? -a[i] : a[i]);
            break;
        case ABS:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] < 0.0f ? -a[i] : a[i];
            break;
        case SQUARE:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] * a[i];
            break;
        case SQRT:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = std::sqrt(a[i]);
            break;
        default:  // SIGNED_SQRT
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = sign_of(a[i]) * std::sqrt(a[i] < 0.0f ? -a[i] : a[i]);
            break;
    }
}

// Binary op on two chunk arrays (a reduced operand is its row's value repeated over the row).
EVONORM_CLONES
void run_binary(int op, const float* a, const float* b, float* out, int64_t n) {
    switch (op) {
        case ADD:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] + b[i];
            break;
        case MUL:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] * b[i];
            break;
        case DIV:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) out[i] = a[i] / b[i];
            break;
        case MAX:  // torch.maximum: NaN if either is NaN
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                const float u = a[i], w = b[i];
                const float m = u < w ? w : u;
                out[i] = (u != u || w != w) ? u + w : m;
            }
            break;
        default:  // MAX_REDUCED: p + relu(u − p), a full, b the statistic p; relu(NaN) = NaN
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                const float d = a[i] - b[i];
                const float r = d > 0.0f ? d : (d != d ? d : 0.0f);
                out[i] = r + b[i];
            }
            break;
    }
}

// Backward of a unary op: ga += g·dop, from the operand a and the op's value o.
EVONORM_CLONES
void back_unary(int op, const float* a, const float* o, const float* g, float* ga, int64_t n) {
    switch (op) {
        case NEG:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) ga[i] += -g[i];
            break;
        case SIGMOID:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) ga[i] += g[i] * (o[i] * (1.0f - o[i]));
            break;
        case TANH:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) ga[i] += g[i] * (1.0f - o[i] * o[i]);
            break;
        case EXP:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) ga[i] += g[i] * o[i];
            break;
        case SIGNED_LOG:
            // sign(v)·log|v| as PyTorch differentiates it: sign's gradient is 0, the product passes
            // g·sign(v) to log|v|, log divides by |v|, abs multiplies by sign(v).
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                const float s = sign_of(a[i]);
                const float m = a[i] < 0.0f ? -a[i] : a[i];
                ga[i] += (g[i] * s) / m * s;
            }
            break;
        case ABS:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) ga[i] += g[i] * sign_of(a[i]);
            break;
        case SQUARE:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) ga[i] += g[i] * (2.0f * a[i]);
            break;
        case SQRT:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) ga[i] += g[i] / (2.0f * o[i]);
            break;
        default: {  // SIGNED_SQRT: sign(v)·sqrt(|v|)
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                const float s = sign_of(a[i]);
                const float m = a[i] < 0.0f ? -a[i] : a[i];
                ga[i] += (g[i] * s) / (2.0f * std::sqrt(m)) * s;
            }
            break;
        }
    }
}

// Backward of a binary op: ga += g·∂op/∂a, gb += g·∂op/∂b, element by element (a reduced operand's
// per-element gradients are summed per row afterwards).
EVONORM_CLONES
void back_binary(int op, const float* a, const float* b, const float* g, float* ga, float* gb, int64_t n) {
    switch (op) {
        case ADD:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) { ga[i] += g[i]; gb[i] += g[i]; }
            break;
        case MUL:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) { ga[i] += g[i] * b[i]; gb[i] += g[i] * a[i]; }
            break;
        case DIV:
#pragma omp simd
            for (int64_t i = 0; i < n; i++) { ga[i] += g[i] / b[i]; gb[i] += -g[i] * a[i] / (b[i] * b[i]); }
            break;
        case MAX:  // torch.maximum: the larger operand takes the gradient, a tie shares it
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                const float u = a[i], w = b[i];
                const float share = u == w ? 0.5f * g[i] : g[i];
                ga[i] += u < w ? 0.0f : share;
                gb[i] += u > w ? 0.0f : share;
            }
            break;
        default:  // MAX_REDUCED: p + relu(u − p): u takes g where u − p > 0, p the rest
#pragma omp simd
            for (int64_t i = 0; i < n; i++) {
                const float gu = a[i] - b[i] > 0.0f ? g[i] : 0.0f;
                ga[i] += gu;
                gb[i] += g[i] - gu;
            }
            break;
    }
}

// ---------------------------------------------------------------------------------------------

struct Program {
    int64_t reduced_count;          // K: slots 1..K are the reduced inputs
    std::vector<int64_t> code;      // (op, a, b) per instruction; instruction i writes slot K+1+i
    std::vector<int64_t> moments;   // slots whose per-row mean of v and v² are outputs
    int64_t output;                 // the slot written as the output (with γ/β), or −1

    int64_t size() const { return static_cast<int64_t>(code.size() / 3); }
    int64_t slots() const { return 1 + reduced_count + size(); }
};



// A chunk is either a piece of one row (rows longer than CHUNK) or several whole rows (shorter
// ones: late layers of a network have 7×7 planes, and a row at a time would spend more on the
// per-chunk bookkeeping than on the values). Rows are contiguous in memory, so a chunk is one
// contiguous range of x; `segments` says which row each part belongs to.
struct Segment {
    int64_t row;    // (n, c) row index
    int64_t start;  // position within the chunk
    int64_t len;
};

// The values of one chunk: vals[slot] is x's range, a reduced input's row values repeated over
// each segment (so that every instruction is a loop over two arrays), or an instruction's output.
struct ChunkValues {
    std::vector<const float*> vals;
    std::vector<float> scratch;  // reduced inputs, then instruction outputs, CHUNK each

    explicit ChunkValues(const Program& p) : vals(p.slots(), nullptr), scratch((p.slots() - 1) * CHUNK) {}

    float* buffer(int64_t slot) { return scratch.data() + (slot - 1) * CHUNK; }

    void compute(const Program& p, const float* x, const float* reduced, int64_t rows,
                 const std::vector<Segment>& segments, int64_t n) {
        vals[0] = x;
        for (int64_t k = 0; k < p.reduced_count; k++) {
            float* r = buffer(1 + k);
            for (const Segment& s : segments) std::fill(r + s.start, r + s.start + s.len, reduced[k * rows + s.row]);
            vals[1 + k] = r;
        }
        for (int64_t i = 0; i < p.size(); i++) {
            const int op = static_cast<int>(p.code[3 * i]);
            const int64_t a = p.code[3 * i + 1], b = p.code[3 * i + 2];
            const int64_t self = 1 + p.reduced_count + i;
            float* o = buffer(self);
            if (op <= SIGNED_SQRT) {
                run_unary(op, vals[a], o, n);
            } else {
                run_binary(op, vals[a], vals[b], o, n);
            }
            vals[self] = o;
        }
    }
};

// Rows per chunk and chunks per row; work is split over groups of rows.
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

struct GraphStageFunction : public torch::autograd::Function<GraphStageFunction> {
    // x (N,C,H,W); reduced (K, N·C); gamma, beta (C). Returns the output — or, for a stage that
    // does not write it, x passed through — and the moments (M, 2, N·C): per row, the means over
    // (h,w) of v and of v².
    static variable_list forward(AutogradContext* ctx, const at::Tensor& input, const at::Tensor& reduced_in,
                                 const at::Tensor& gamma, const at::Tensor& beta, std::vector<int64_t> code,
                                 std::vector<int64_t> moments, int64_t output) {
        TORCH_CHECK(input.dim() == 4 && input.scalar_type() == at::kFloat && input.device().is_cpu(),
                    "the graph executor needs a float32 NCHW CPU tensor");
        const at::Tensor x = input.contiguous();
        const at::Tensor reduced = reduced_in.detach().to(at::kFloat).contiguous();
        const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3), rows = n * c;
        Program p{reduced.size(0), code, moments, output};
        TORCH_CHECK(reduced.numel() == p.reduced_count * rows, "reduced inputs must be (K, N·C)");
        const at::Tensor g = gamma.detach().to(at::kFloat).contiguous().reshape({-1});
        const at::Tensor b = beta.detach().to(at::kFloat).contiguous().reshape({-1});
        // A stage that does not write the output passes x through as its first output, and the next
        // stage reads x from there: x then has one consumer, and this stage's backward adds its
        // gradient to the next stage's in the pass it makes anyway (no separate sum of the two).
        at::Tensor y = output >= 0 ? at::empty_like(x) : x;
        at::Tensor mom = at::empty({static_cast<int64_t>(moments.size()), 2, rows}, x.options());
        const float* px = x.data_ptr<float>();
        const float* pr = reduced.data_ptr<float>();
        const float* pg = output >= 0 ? g.data_ptr<float>() : nullptr;
        const float* pb = output >= 0 ? b.data_ptr<float>() : nullptr;
        float* py = output >= 0 ? y.data_ptr<float>() : nullptr;
        float* pm = mom.data_ptr<float>();
        const int64_t m_count = static_cast<int64_t>(moments.size());
        const Tiling tiling(rows, hw);
#pragma omp parallel num_threads(evonorm_native::threads())
        {
            ChunkValues v(p);
            std::vector<Segment> segments;
            std::vector<double> sums(2 * m_count * tiling.rows_per_group);
#pragma omp for schedule(static)
            for (int64_t grp = 0; grp < tiling.groups; grp++) {
                std::fill(sums.begin(), sums.end(), 0.0);
                const int64_t row0 = grp * tiling.rows_per_group;
                int64_t first = 0, len = 0;
                for (int64_t k = 0; tiling.chunk(grp, k, segments, first, len); k++) {
                    v.compute(p, px + first, pr, rows, segments, len);
                    for (const Segment& sg : segments) {
                        const int64_t local = sg.row - row0;
                        for (int64_t m = 0; m < m_count; m++) {
                            const float* src = v.vals[moments[m]] + sg.start;
                            float s1 = 0.0f, s2 = 0.0f;
#pragma omp simd reduction(+ : s1, s2)
                            for (int64_t i = 0; i < sg.len; i++) {
                                s1 += src[i];
                                s2 += src[i] * src[i];
                            }
                            sums[(local * m_count + m) * 2] += s1;
                            sums[(local * m_count + m) * 2 + 1] += s2;
                        }
                        if (output >= 0) {
                            const float* o = v.vals[output] + sg.start;
                            float* dst = py + first + sg.start;
                            const int64_t ch = sg.row % c;
                            const float gg = pg[ch], bb = pb[ch];
#pragma omp simd
                            for (int64_t i = 0; i < sg.len; i++) dst[i] = o[i] * gg + bb;
                        }
                    }
                }
                const int64_t count = std::min(tiling.rows_per_group, rows - row0);
                for (int64_t local = 0; local < count; local++) {
                    for (int64_t m = 0; m < m_count; m++) {
                        pm[(2 * m) * rows + row0 + local] = static_cast<float>(sums[(local * m_count + m) * 2] / hw);
                        pm[(2 * m + 1) * rows + row0 + local] = static_cast<float>(sums[(local * m_count + m) * 2 + 1] / hw);
                    }
                }
            }
        }
        ctx->save_for_backward({x, reduced, g});
        ctx->saved_data["code"] = code;
        ctx->saved_data["moments"] = moments;
        ctx->saved_data["output"] = output;
        ctx->saved_data["reduced_shape"] = reduced_in.sizes().vec();
        ctx->saved_data["gamma_shape"] = gamma.sizes().vec();
        ctx->saved_data["beta_shape"] = beta.sizes().vec();
        return {y, mom};
    }

    static variable_list backward(AutogradContext* ctx, variable_list grads) {
        const auto saved = ctx->get_saved_variables();
        const at::Tensor& x = saved[0];
        const at::Tensor& reduced = saved[1];
        const at::Tensor& g = saved[2];
        const auto code = ctx->saved_data["code"].toIntVector();
        const auto moments = ctx->saved_data["moments"].toIntVector();
        const int64_t output = ctx->saved_data["output"].toInt();
        const int64_t n = x.size(0), c = x.size(1), hw = x.size(2) * x.size(3), rows = n * c;
        Program p{reduced.size(0), code, moments, output};
        const bool has_gy = output >= 0 && grads[0].defined();
        const bool has_pass = output < 0 && grads[0].defined();
        const bool has_gm = grads[1].defined();
        const at::Tensor gy = has_gy ? grads[0].contiguous() : at::Tensor();
        const at::Tensor gpass = has_pass ? grads[0].contiguous() : at::Tensor();
        const at::Tensor gm = has_gm ? grads[1].contiguous() : at::Tensor();
        // The gradient passed through from the next stage is a buffer only this stage reads: its
        // sum with this stage's own gradient is written into it (no new full-size allocation).
        at::Tensor gx = has_pass && gpass.data_ptr() != x.data_ptr() ? gpass : at::empty_like(x);
        std::vector<double> t_red(p.reduced_count * rows, 0.0), t_gamma(rows, 0.0), t_beta(rows, 0.0);
        const float* px = x.data_ptr<float>();
        const float* pr = reduced.data_ptr<float>();
        const float* pg = has_gy ? g.data_ptr<float>() : nullptr;
        const float* pgy = has_gy ? gy.data_ptr<float>() : nullptr;
        const float* pgm = has_gm ? gm.data_ptr<float>() : nullptr;
        const float* pgp = has_pass ? gpass.data_ptr<float>() : nullptr;
        float* pgx = gx.data_ptr<float>();
        const int64_t m_count = static_cast<int64_t>(moments.size());
        const int64_t slots = p.slots();
        const Tiling tiling(rows, hw);
#pragma omp parallel num_threads(evonorm_native::threads())
        {
            ChunkValues v(p);
            std::vector<Segment> segments;
            std::vector<float> grad(slots * CHUNK);
#pragma omp for schedule(static)
            for (int64_t grp = 0; grp < tiling.groups; grp++) {
                int64_t first = 0, len = 0;
                for (int64_t k = 0; tiling.chunk(grp, k, segments, first, len); k++) {
                    v.compute(p, px + first, pr, rows, segments, len);
                    std::fill(grad.begin(), grad.end(), 0.0f);
                    if (has_pass) std::memcpy(grad.data(), pgp + first, len * sizeof(float));
                    for (const Segment& sg : segments) {
                        const int64_t ch = sg.row % c;
                        if (has_gy) {
                            const float* o = v.vals[output] + sg.start;
                            const float* gsrc = pgy + first + sg.start;
                            float* gout = grad.data() + output * CHUNK + sg.start;
                            const float gg = pg[ch];
                            float s1 = 0.0f, s2 = 0.0f;
#pragma omp simd reduction(+ : s1, s2)
                            for (int64_t i = 0; i < sg.len; i++) {
                                gout[i] += gsrc[i] * gg;
                                s1 += gsrc[i] * o[i];
                                s2 += gsrc[i];
                            }
                            t_gamma[sg.row] += s1;
                            t_beta[sg.row] += s2;
                        }
                        if (has_gm) {
                            for (int64_t m = 0; m < m_count; m++) {
                                const float gmean = pgm[(2 * m) * rows + sg.row] / static_cast<float>(hw);
                                const float gsq = 2.0f * pgm[(2 * m + 1) * rows + sg.row] / static_cast<float>(hw);
                                const float* src = v.vals[moments[m]] + sg.start;
                                float* gs = grad.data() + moments[m] * CHUNK + sg.start;
#pragma omp simd
                                for (int64_t i = 0; i < sg.len; i++) gs[i] += gmean + gsq * src[i];
                            }
                        }
                    }
                    for (int64_t i = p.size() - 1; i >= 0; i--) {
                        const int op = static_cast<int>(p.code[3 * i]);
                        const int64_t a = p.code[3 * i + 1], b = p.code[3 * i + 2];
                        const int64_t self = 1 + p.reduced_count + i;
                        const float* gi = grad.data() + self * CHUNK;
                        if (op <= SIGNED_SQRT) {
                            back_unary(op, v.vals[a], v.vals[self], gi, grad.data() + a * CHUNK, len);
                        } else {
                            back_binary(op, v.vals[a], v.vals[b], gi, grad.data() + a * CHUNK, grad.data() + b * CHUNK, len);
                        }
                    }
                    for (int64_t kk = 0; kk < p.reduced_count; kk++) {
                        const float* gr = grad.data() + (1 + kk) * CHUNK;
                        for (const Segment& sg : segments) {
                            float s1 = 0.0f;
#pragma omp simd reduction(+ : s1)
                            for (int64_t i = 0; i < sg.len; i++) s1 += gr[sg.start + i];
                            t_red[kk * rows + sg.row] += s1;
                        }
                    }
                    std::memcpy(pgx + first, grad.data(), len * sizeof(float));
                }
            }
        }
        at::Tensor g_red = at::empty({p.reduced_count, rows}, x.options());
        float* pgr = g_red.data_ptr<float>();
        for (int64_t i = 0; i < p.reduced_count * rows; i++) pgr[i] = static_cast<float>(t_red[i]);
        at::Tensor g_gamma, g_beta;
        if (has_gy) {
            g_gamma = at::zeros({c}, x.options());
            g_beta = at::zeros({c}, x.options());
            float* pgg = g_gamma.data_ptr<float>();
            float* pgb = g_beta.data_ptr<float>();
            for (int64_t ch = 0; ch < c; ch++) {
                double s1 = 0.0, s2 = 0.0;
                for (int64_t i = 0; i < n; i++) {
                    s1 += t_gamma[i * c + ch];
                    s2 += t_beta[i * c + ch];
                }
                pgg[ch] = static_cast<float>(s1);
                pgb[ch] = static_cast<float>(s2);
            }
            g_gamma = g_gamma.view(ctx->saved_data["gamma_shape"].toIntVector());
            g_beta = g_beta.view(ctx->saved_data["beta_shape"].toIntVector());
        }
        return {gx, g_red.view(ctx->saved_data["reduced_shape"].toIntVector()), g_gamma, g_beta,
                at::Tensor(), at::Tensor(), at::Tensor()};
    }
};

std::vector<int64_t> to_vector(JNIEnv* env, jintArray array) {
    const jsize length = env->GetArrayLength(array);
    std::vector<jint> raw(length);
    env->GetIntArrayRegion(array, 0, length, raw.data());
    return std::vector<int64_t>(raw.begin(), raw.end());
}

}  // namespace

extern "C" JNIEXPORT jlongArray JNICALL Java_dev_evonorm_layers_NativeKernels_graphStage(JNIEnv* env, jclass,
        jlong x, jlong reduced, jlong gamma, jlong beta, jintArray code, jintArray moments, jint output) {
    try {
        using evonorm_native::tensor;
        variable_list out = GraphStageFunction::apply(tensor(x), tensor(reduced), tensor(gamma), tensor(beta),
                                                      to_vector(env, code), to_vector(env, moments),
                                                      static_cast<int64_t>(output));
        return evonorm_native::handle_pair(env, out[0], out[1]);
    } catch (const std::exception& e) {
        evonorm_native::throw_java(env, e.what());
        return nullptr;
    }
}
